package io.jvmhealth.agent;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The footprint rules of the agent's runtime path, held on its compiled classes ({@code target/classes}): every
 * class the agent loads into a host, that is everything under {@code io/jvmhealth/agent} except {@code cli} (the
 * command-line tool, its own JVM); {@code instrument} (the advice on ASM, in its nested jar) is held too: it loads
 * into every host with a method or framework gate. None of them may:
 * <ul>
 *   <li>use {@code invokedynamic} (lambdas, method references, indy string concatenation): the first one
 *       bootstraps {@code java.lang.invoke} in the host, costing it start-up time and metaspace;</li>
 *   <li>name {@code java.util.regex}, {@code java.time} or {@code java.util.logging}: each loads and initializes
 *       a subsystem the host may never have used ({@code java.util.logging} even starts its {@code LogManager},
 *       which some hosts configure themselves later);</li>
 *   <li>reach {@code java.util.regex} through the JDK: {@code String.matches}, {@code replaceAll},
 *       {@code replaceFirst}, {@code split} with a pattern ({@code split} of one plain character, or of one escaped
 *       character, takes a fast path without regex and is allowed when the test sees that constant), and
 *       {@code String.format} and the rest of {@code java.util.Formatter} ({@code printf}), which parse with regex
 *       on the JDKs that still do so.</li>
 * </ul>
 * Each offence is reported with its class and method; a name the visitor of instructions missed is still caught in
 * the constant pool and reported with the class.
 */
class FootprintRulesTest {
    private static final Path CLASSES = Paths.get(System.getProperty("user.dir"), "target/classes");
    private static final String AGENT = "io/jvmhealth/agent/";
    /** Not on the host's runtime path: the tool's own JVM. */
    private static final List<String> EXCLUDED = List.of(AGENT + "cli/");

    private static final List<String> BANNED_PACKAGES = List.of("java/util/regex/", "java/time/", "java/util/logging/");
    /** Types that use java.util.regex inside the JDK. */
    private static final List<String> BANNED_TYPES = List.of("java/util/Formatter", "java/util/Scanner");

    /** {@code split} calls whose pattern the test cannot see but that were checked by hand: "class.method". None today. */
    private static final Set<String> SPLITS_CHECKED_BY_HAND = Set.of();

    @Test
    void runtimeClassesKeepTheFootprintRules() throws IOException {
        List<String> offences = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.walk(CLASSES.resolve(AGENT))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")).sorted()::iterator) {
                String name = CLASSES.relativize(p).toString().replace('\\', '/');
                if (EXCLUDED.stream().anyMatch(name::startsWith)) {
                    continue;
                }
                classes++;
                offences.addAll(offences(Files.readAllBytes(p)));
            }
        }
        assertTrue(classes > 100, "read the agent's runtime classes from " + CLASSES + " (" + classes + ")");
        assertEquals(List.of(), offences, "the agent's runtime classes break the footprint rules (no invokedynamic, "
                + "no java.util.regex, java.time or java.util.logging, not even through String.split/matches/replaceAll/"
                + "replaceFirst/format): use an anonymous class for a lambda, a loop of indexOf for a split, plain "
                + "concatenation or StringBuilder for a format");
    }

    /** The scanner itself finds what it must, and lets the plain-character split pass. */
    @Test
    void scannerFindsEachKindOfOffence() throws IOException {
        List<String> found = offences(classBytes(Offender.class));
        String owner = Offender.class.getName();
        for (String expected : List.of(
                owner + ".lambda(): invokedynamic",
                owner + ".methodReference(): invokedynamic",
                owner + ".regex(): java/util/regex/Pattern",
                owner + ".time(): java/time/Instant",
                owner + ".logging(): java/util/logging/Logger",
                owner + ".matches(): java/lang/String.matches",
                owner + ".splitPattern(): java/lang/String.split",
                owner + ".splitUnseen(java.lang.String): java/lang/String.split",
                owner + ".format(): java/lang/String.format",
                owner + ".field: java/time/Duration",
                owner + ".descriptor(java.time.Duration): java/time/Duration")) {
            assertTrue(found.stream().anyMatch(f -> f.startsWith(expected)), expected + " in " + found);
        }
        assertTrue(found.stream().noneMatch(f -> f.contains(".splitChar")), "a split of one character is allowed: " + found);
        assertTrue(found.stream().noneMatch(f -> f.contains(".splitEscaped")), "a split of one escaped character is allowed: " + found);
    }

    /** Offences of one class file, each as "class.method: what". */
    static List<String> offences(byte[] bytes) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        ClassReader reader = new ClassReader(bytes);
        String className = reader.getClassName().replace('/', '.');
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                types(className + " (class)", superName, out);
                for (String i : interfaces == null ? new String[0] : interfaces) {
                    types(className + " (class)", i, out);
                }
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                types(className + "." + name, descriptor + " " + signature, out);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                String where = className + "." + name + "(" + parameters(descriptor) + ")";
                types(where, descriptor + " " + signature, out);
                for (String e : exceptions == null ? new String[0] : exceptions) {
                    types(where, e, out);
                }
                return new Instructions(where, out);
            }
        }, 0);
        // Whatever the visitor of members and instructions did not see (an annotation, a constant of a kind it does not
        // look at) is still in the constant pool: report it with the class, unless the same name was reported above.
        for (String constant : constantPool(bytes)) {
            String offence = banned(constant);
            if (offence != null && out.stream().noneMatch(o -> o.startsWith(className + ".") && o.contains(offence)
                    || o.startsWith(className + " (class)") && o.contains(offence))) {
                out.add(className + " (constant pool): " + offence);
            }
        }
        if (constantPoolHasInvokeDynamic(bytes) && out.stream().noneMatch(o -> o.contains("invokedynamic"))) {
            out.add(className + " (constant pool): invokedynamic");
        }
        return new ArrayList<>(out);
    }

    /** The instructions of one method. Remembers the constants pushed just before a call, to see split's pattern. */
    private static final class Instructions extends MethodVisitor {
        private final String where;
        private final Set<String> out;
        private String lastString; // the string constant pushed last, when nothing but an int followed it
        private boolean intAfterString;

        Instructions(String where, Set<String> out) {
            super(Opcodes.ASM9);
            this.where = where;
            this.out = out;
        }

        private void other() {
            lastString = null;
            intAfterString = false;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5 && lastString != null && !intAfterString) {
                intAfterString = true;
            } else {
                other();
            }
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            if (opcode != Opcodes.NEWARRAY && lastString != null && !intAfterString) {
                intAfterString = true;
            } else {
                other();
            }
        }

        @Override
        public void visitLdcInsn(Object value) {
            other();
            if (value instanceof String s) {
                lastString = s;
            } else if (value instanceof Type t) {
                types(where, t.getDescriptor(), out);
            } else if (value instanceof Handle h) {
                handle(h);
            } else if (value instanceof ConstantDynamic c) {
                out.add(where + ": invokedynamic (a dynamic constant " + c.getName() + ")");
            }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            other();
            types(where, type, out);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            other();
            types(where, owner + " " + descriptor, out);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            // split(pattern) right after the pattern's constant, or split(pattern, limit) right after it and an int constant
            boolean withLimit = descriptor.equals("(Ljava/lang/String;I)[Ljava/lang/String;");
            String pattern = intAfterString == withLimit ? lastString : null;
            other();
            types(where, owner + " " + descriptor, out);
            String call = owner + "." + name;
            if (owner.equals("java/lang/String")) {
                switch (name) {
                    case "matches", "replaceAll", "replaceFirst" -> out.add(where + ": " + call + " (java.util.regex)");
                    case "format", "formatted" -> out.add(where + ": " + call + " (java.util.Formatter, which parses with java.util.regex)");
                    case "split" -> {
                        if (pattern == null) {
                            if (!SPLITS_CHECKED_BY_HAND.contains(where.substring(0, where.indexOf('(')))) {
                                out.add(where + ": " + call + " of a pattern the test cannot see (java.util.regex unless one plain or escaped character)");
                            }
                        } else if (!fastPath(pattern)) {
                            out.add(where + ": " + call + "(\"" + pattern + "\") (java.util.regex: more than one plain or escaped character)");
                        }
                    }
                    default -> {
                    }
                }
            } else if ((owner.equals("java/io/PrintStream") || owner.equals("java/io/PrintWriter"))
                    && (name.equals("printf") || name.equals("format"))) {
                out.add(where + ": " + call + " (java.util.Formatter, which parses with java.util.regex)");
            }
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            other();
            String kind = bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory") ? "a lambda or method reference"
                    : bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory") ? "string concatenation"
                    : bootstrap.getOwner() + "." + bootstrap.getName();
            out.add(where + ": invokedynamic " + name + descriptor + " (" + kind + ")");
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
            other();
            types(where, descriptor, out);
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            types(where, type, out);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            other();
        }

        @Override
        public void visitLabel(Label label) {
            other(); // a jump may land here with another pattern on the stack
        }

        @Override
        public void visitVarInsn(int opcode, int var) {
            other();
        }

        @Override
        public void visitIincInsn(int var, int increment) {
            other();
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            other();
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            other();
        }

        private void handle(Handle h) {
            types(where, h.getOwner() + " " + h.getDesc(), out);
        }
    }

    /** String.split's own fast path (the same in JDK 8 to 25): one character that is not a regex metacharacter, or a backslash and one that is not a letter or digit. */
    static boolean fastPath(String pattern) {
        char ch;
        if (pattern.length() == 1) {
            ch = pattern.charAt(0);
            if (".$|()[{^?*+\\".indexOf(ch) >= 0) {
                return false;
            }
        } else if (pattern.length() == 2 && pattern.charAt(0) == '\\') {
            ch = pattern.charAt(1);
            if (Character.isLetterOrDigit(ch) && ch < 128) {
                return false;
            }
        } else {
            return false;
        }
        return ch < Character.MIN_HIGH_SURROGATE || ch > Character.MAX_LOW_SURROGATE;
    }

    /** Adds an offence for each banned type named in this text (internal names and descriptors). */
    private static void types(String where, String text, Set<String> out) {
        if (text == null) {
            return;
        }
        for (String name : text.split("[\\s;()\\[<>:]+")) {
            String offence = banned(name.startsWith("L") && name.contains("/") ? name.substring(1) : name);
            if (offence != null) {
                out.add(where + ": " + offence);
            }
        }
    }

    /** The banned package or type this internal name (or descriptor part) names, or null. */
    private static String banned(String name) {
        for (String p : BANNED_PACKAGES) {
            int at = name.indexOf(p);
            if (at >= 0) {
                int end = at;
                while (end < name.length() && (Character.isJavaIdentifierPart(name.charAt(end)) || name.charAt(end) == '/' || name.charAt(end) == '$')) {
                    end++;
                }
                return name.substring(at, end);
            }
        }
        for (String t : BANNED_TYPES) {
            int at = name.indexOf(t);
            int end = at + t.length();
            if (at >= 0 && (end == name.length() || !Character.isJavaIdentifierPart(name.charAt(end)) || name.charAt(end) == '$')) {
                return t + " (parses with java.util.regex)";
            }
        }
        return null;
    }

    private static String parameters(String descriptor) {
        List<String> out = new ArrayList<>();
        for (Type t : Type.getArgumentTypes(descriptor)) {
            out.add(t.getClassName());
        }
        return String.join(", ", out);
    }

    /** The Utf8 entries of a class file's constant pool (class names, descriptors, strings). */
    private static List<String> constantPool(byte[] bytes) throws IOException {
        List<String> utf8 = new ArrayList<>();
        readPool(bytes, utf8);
        return utf8;
    }

    private static boolean constantPoolHasInvokeDynamic(byte[] bytes) throws IOException {
        return readPool(bytes, new ArrayList<>());
    }

    /** Reads the constant pool: adds its Utf8 entries, returns whether it holds an invokedynamic or dynamic constant. */
    private static boolean readPool(byte[] bytes, List<String> utf8) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        in.readInt(); // magic
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        boolean dynamic = false;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12 -> in.skipBytes(4);
                case 17, 18 -> {
                    in.skipBytes(4);
                    dynamic = true;
                }
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " at entry " + i);
            }
        }
        return dynamic;
    }

    private static byte[] classBytes(Class<?> c) throws IOException {
        try (java.io.InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** One of each offence, compiled with the tests (Java 17: lambdas and indy string concatenation). */
    @SuppressWarnings("unused")
    static final class Offender {
        java.time.Duration field;

        Runnable lambda() {
            return () -> { };
        }

        java.util.function.Supplier<String> methodReference() {
            return this::toString;
        }

        Object regex() {
            return java.util.regex.Pattern.compile("a+");
        }

        Object time() {
            return java.time.Instant.now();
        }

        Object logging() {
            return java.util.logging.Logger.getLogger("x");
        }

        boolean matches() {
            return "abc".matches("a.c");
        }

        String[] splitPattern() {
            return "a, b".split(", ");
        }

        String[] splitUnseen(String pattern) {
            return "a,b".split(pattern);
        }

        String[] splitChar() {
            return "a,b".split(",");
        }

        String[] splitEscaped() {
            return "a.b".split("\\.", 2);
        }

        String format() {
            return String.format("%d", 1);
        }

        void descriptor(java.time.Duration d) {
        }
    }
}
