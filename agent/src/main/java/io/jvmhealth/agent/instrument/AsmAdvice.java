package io.jvmhealth.agent.instrument;

import io.jvmhealth.agent.gates.AdviceInstaller;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gate advice, written with Byte Buddy's bundled (relocated) ASM alone: ClassReader, ClassWriter and one
 * MethodVisitor, in the jar nested in the agent's ({@code META-INF/jvmhealth/instrument.jar}: this package and ASM's
 * core package, nothing else of Byte Buddy). No type pool, no Advice machinery, no class of the application loaded or
 * resolved to decide anything: frames are written from what the class file says, never computed from a class
 * hierarchy. Byte Buddy's own {@code Advice} did the same job for about 42 MB of resident memory and 470 ms of CPU per
 * host (docs/performance.md); this costs about 3 MB and 45 ms.
 *
 * <p>What a gated method becomes (every non-abstract, non-native method of that name; constructors never):
 * <pre>
 *   try { GateSignal.enter(key, this|null) } catch (Throwable ignored) {} // at entry, before the original code
 *   ... original code, each xRETURN preceded by:
 *       [value copied into a spare local]
 *       try { GateSignal.exit(key, this|null, null) } catch (Throwable ignored) { return [the copy] }
 *   catch-all around the original code (last in the exception table, so the method's own handlers come first):
 *       t -&gt; try { GateSignal.exit(key, null, t) } catch (Throwable ignored) {}; throw t
 * </pre>
 * The handlers of the calls at the returns are FIRST in the exception table (declared before the method's own), so an
 * error raised by the call itself (a loader that does not delegate {@code io.jvmhealth.*} to the boot loader, a stack
 * overflow on the call) is swallowed there and never reaches a handler of the method. The spare local is one past the
 * method's max_locals (read in a first pass over the class); {@code this} is passed only when the method never stores
 * into slot 0. Frames: read expanded, the inserted ones written in full with TOP for every local the inserted code does
 * not use, so nothing is computed and no class is resolved.
 *
 * <p>A class whose loader cannot see {@code GateSignal} (a loader that does not delegate {@code io.jvmhealth.*} to the
 * bootstrap loader: JBoss Modules unless {@code jboss.modules.system.pkgs} names {@code io.jvmhealth.agent.boot}, OSGi
 * unless {@code org.osgi.framework.bootdelegation} does) is left unchanged and reported as a failure: its gate passes
 * with a warning that names the setting, rather than wait for a signal that could never arrive.
 */
public final class AsmAdvice implements AdviceInstaller {
    static final String SIGNAL = "io/jvmhealth/agent/boot/GateSignal";
    static final String THROWABLE = "java/lang/Throwable";

    /** Public, no arguments: created by name through the nested jar's class loader. */
    public AsmAdvice() {
    }

    @Override
    public ClassFileTransformer transformer(final Map<String, Set<String>> methodsByClass, final Failures failures) {
        ClassFileTransformer transformer = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
                if (internalName == null) {
                    return null;
                }
                String name = internalName.replace('/', '.');
                Set<String> gated = methodsByClass.get(name);
                if (gated == null) {
                    return null;
                }
                try {
                    signalVisible(loader);
                    return instrument(bytes, name, gated);
                } catch (Throwable e) {
                    try {
                        failures.failed(name, e);
                    } catch (Throwable ignored) {
                        // the class loads unchanged all the same
                    }
                    return null;
                }
            }
        };
        warmUp();
        return transformer;
    }

    /**
     * Throws when {@code loader} cannot see the bootstrap loader's {@code GateSignal}: the advice would then call nothing
     * (its calls fail, are swallowed, and the gate would wait forever). The boot loader itself sees it.
     */
    static void signalVisible(ClassLoader loader) throws ClassNotFoundException {
        if (loader == null) {
            return;
        }
        String name = SIGNAL.replace('/', '.');
        Class<?> seen;
        try {
            seen = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            seen = null;
        }
        if (seen == null || seen.getClassLoader() != null) {
            throw new ClassNotFoundException(name + " is not visible from the class loader " + loader.getClass().getName()
                    + (seen == null ? "" : " (it has a copy of its own)") + ": that loader must delegate the package "
                    + "io.jvmhealth.agent.boot to the bootstrap loader (JBoss Modules/WildFly: -Djboss.modules.system.pkgs=io.jvmhealth.agent.boot;"
                    + " OSGi: org.osgi.framework.bootdelegation=io.jvmhealth.agent.boot)");
        }
    }

    /** The class with the advice on the named methods; null when no method of that name has code. */
    static byte[] instrument(byte[] bytes, String binaryName, Set<String> methods) {
        ClassReader reader = new ClassReader(bytes);
        Survey survey = new Survey(methods);
        reader.accept(survey, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (survey.methods.isEmpty()) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new Weaver(writer, binaryName, methods, survey), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** What the first pass learns of each gated method (by name and descriptor). */
    static final class MethodFacts {
        int maxLocals;
        int returns;
        boolean storesSlot0;
    }

    /** The first pass: max_locals, the number of return instructions and any store into slot 0, per gated method. */
    static final class Survey extends ClassVisitor {
        final Set<String> names;
        final Map<String, MethodFacts> methods = new HashMap<String, MethodFacts>();
        int version;

        Survey(Set<String> names) {
            super(Opcodes.ASM9);
            this.names = names;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.version = version & 0xffff;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            if (!gated(access, name, names)) {
                return null;
            }
            final MethodFacts facts = new MethodFacts();
            methods.put(name + descriptor, facts);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitInsn(int opcode) {
                    if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                        facts.returns++;
                    }
                }

                @Override
                public void visitVarInsn(int opcode, int var) {
                    if (var == 0 && opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
                        facts.storesSlot0 = true;
                    }
                }

                @Override
                public void visitIincInsn(int var, int increment) {
                    if (var == 0) {
                        facts.storesSlot0 = true;
                    }
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    facts.maxLocals = maxLocals;
                }
            };
        }
    }

    static boolean gated(int access, String name, Set<String> names) {
        return names.contains(name) && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0
                && !name.equals("<init>") && !name.equals("<clinit>");
    }

    /** The second pass: copies the class, weaving the gated methods (other methods are copied as they are). */
    static final class Weaver extends ClassVisitor {
        final String binaryName;
        final Set<String> names;
        final Survey survey;
        String owner;
        boolean frames;

        Weaver(ClassVisitor next, String binaryName, Set<String> names, Survey survey) {
            super(Opcodes.ASM9, next);
            this.binaryName = binaryName;
            this.names = names;
            this.survey = survey;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
            frames = (version & 0xffff) >= Opcodes.V1_6;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            MethodFacts facts = survey.methods.get(name + descriptor);
            if (facts == null || !gated(access, name, names)) {
                return mv;
            }
            return new GateMethod(mv, access, owner, descriptor, binaryName + "." + name, facts, frames);
        }
    }

    /** One gated method (see the class comment for its shape). */
    static final class GateMethod extends MethodVisitor {
        final String key;
        final boolean isStatic;
        final boolean passSelf;
        final Type returnType;
        final MethodFacts facts;
        final boolean frames;
        final Object[] initialLocals;
        final int spare;
        final List<Label[]> returnSites = new ArrayList<Label[]>();
        int nextReturn;
        final Label bodyStart = new Label();
        boolean bodyFramePending;

        GateMethod(MethodVisitor next, int access, String owner, String descriptor, String key, MethodFacts facts, boolean frames) {
            super(Opcodes.ASM9, next);
            this.key = key;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.passSelf = !isStatic && !facts.storesSlot0;
            this.returnType = Type.getReturnType(descriptor);
            this.facts = facts;
            this.frames = frames;
            this.spare = facts.maxLocals;
            List<Object> locals = new ArrayList<Object>();
            if (!isStatic) {
                locals.add(owner);
            }
            for (Type t : Type.getArgumentTypes(descriptor)) {
                locals.add(frameType(t));
            }
            this.initialLocals = locals.toArray();
        }

        static Object frameType(Type t) {
            switch (t.getSort()) {
                case Type.BOOLEAN:
                case Type.BYTE:
                case Type.CHAR:
                case Type.SHORT:
                case Type.INT:
                    return Opcodes.INTEGER;
                case Type.FLOAT:
                    return Opcodes.FLOAT;
                case Type.LONG:
                    return Opcodes.LONG;
                case Type.DOUBLE:
                    return Opcodes.DOUBLE;
                case Type.ARRAY:
                    return t.getDescriptor();
                default:
                    return t.getInternalName();
            }
        }

        /** Locals for a handler frame: TOP up to the spare slot, then {@code type} there (or none at all). */
        Object[] spareLocals(Object type) {
            if (type == null) {
                return new Object[0];
            }
            Object[] locals = new Object[spare + 1];
            for (int i = 0; i < spare; i++) {
                locals[i] = Opcodes.TOP;
            }
            locals[spare] = type;
            return locals;
        }

        void frame(Object[] locals, Object[] stack) {
            if (frames) {
                super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
            }
        }

        @Override
        public void visitCode() {
            super.visitCode();
            // The handlers of the calls at the returns go first in the exception table: before the method's own.
            for (int i = 0; i < facts.returns; i++) {
                Label[] site = {new Label(), new Label(), new Label()};
                returnSites.add(site);
                super.visitTryCatchBlock(site[0], site[1], site[2], THROWABLE);
            }
            Label callStart = new Label();
            Label callEnd = new Label();
            Label handler = new Label();
            super.visitTryCatchBlock(callStart, callEnd, handler, THROWABLE);
            super.visitLabel(callStart);
            super.visitLdcInsn(key);
            if (isStatic) {
                super.visitInsn(Opcodes.ACONST_NULL);
            } else {
                super.visitVarInsn(Opcodes.ALOAD, 0); // at entry slot 0 is always this (a stop method is told its instance)
            }
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SIGNAL, "enter", "(Ljava/lang/String;Ljava/lang/Object;)V", false);
            super.visitLabel(callEnd);
            super.visitJumpInsn(Opcodes.GOTO, bodyStart);
            super.visitLabel(handler);
            frame(initialLocals, new Object[] {THROWABLE});
            super.visitInsn(Opcodes.POP);
            super.visitLabel(bodyStart);
            bodyFramePending = true; // written before the first instruction, unless the method has a frame of its own there
        }

        private void beforeInstruction() {
            if (bodyFramePending) {
                bodyFramePending = false;
                frame(initialLocals, new Object[0]);
            }
        }

        @Override
        public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
            bodyFramePending = false; // the method's own frame at its first instruction stands for ours
            super.visitFrame(type, numLocal, local, numStack, stack);
        }

        @Override
        public void visitInsn(int opcode) {
            beforeInstruction();
            if (opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN || nextReturn >= returnSites.size()) {
                super.visitInsn(opcode);
                return;
            }
            Label[] site = returnSites.get(nextReturn++);
            Object type = null;
            int load = 0;
            if (opcode != Opcodes.RETURN) {
                Type t = returnType;
                super.visitInsn(t.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
                super.visitVarInsn(t.getOpcode(Opcodes.ISTORE), spare);
                load = t.getOpcode(Opcodes.ILOAD);
                type = frameType(t);
            }
            super.visitLabel(site[0]);
            super.visitLdcInsn(key);
            if (passSelf) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
            }
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SIGNAL, "exit", "(Ljava/lang/String;Ljava/lang/Object;Ljava/lang/Throwable;)V", false);
            super.visitLabel(site[1]);
            super.visitInsn(opcode);
            super.visitLabel(site[2]);
            frame(spareLocals(type), new Object[] {THROWABLE});
            super.visitInsn(Opcodes.POP);
            if (type != null) {
                super.visitVarInsn(load, spare);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            beforeInstruction();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int var) {
            beforeInstruction();
            super.visitVarInsn(opcode, var);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            beforeInstruction();
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            beforeInstruction();
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            beforeInstruction();
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, net.bytebuddy.jar.asm.Handle bootstrap, Object... arguments) {
            beforeInstruction();
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            beforeInstruction();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            beforeInstruction();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int var, int increment) {
            beforeInstruction();
            super.visitIincInsn(var, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            beforeInstruction();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            beforeInstruction();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            beforeInstruction();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            beforeInstruction();
            Label bodyEnd = new Label();
            Label handler = new Label();
            Label callStart = new Label();
            Label callEnd = new Label();
            Label callHandler = new Label();
            super.visitLabel(bodyEnd);
            super.visitLabel(handler);
            frame(new Object[0], new Object[] {THROWABLE});
            super.visitVarInsn(Opcodes.ASTORE, spare);
            super.visitLabel(callStart);
            super.visitLdcInsn(key);
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitVarInsn(Opcodes.ALOAD, spare);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, SIGNAL, "exit", "(Ljava/lang/String;Ljava/lang/Object;Ljava/lang/Throwable;)V", false);
            super.visitLabel(callEnd);
            super.visitVarInsn(Opcodes.ALOAD, spare);
            super.visitInsn(Opcodes.ATHROW);
            super.visitLabel(callHandler);
            frame(spareLocals(THROWABLE), new Object[] {THROWABLE});
            super.visitInsn(Opcodes.POP);
            super.visitVarInsn(Opcodes.ALOAD, spare);
            super.visitInsn(Opcodes.ATHROW);
            // Last in the table: the method's own handlers come first for their ranges.
            super.visitTryCatchBlock(bodyStart, bodyEnd, handler, null);
            super.visitTryCatchBlock(callStart, callEnd, callHandler, THROWABLE);
            super.visitMaxs(Math.max(maxStack + 4, 4), Math.max(maxLocals, spare + 2));
        }
    }

    /**
     * Loads the part of ASM that reads and writes classes on the calling (agent) thread, by weaving a small class of
     * the agent once, so that the application's thread loading the first gated class does not pay for it.
     */
    private static void warmUp() {
        String name = WarmUp.class.getName();
        try (java.io.InputStream in = WarmUp.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                return;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            instrument(out.toByteArray(), name, java.util.Collections.singleton("run"));
        } catch (Throwable ignored) {
            // only a warm-up: the real transformations report their own failures
        }
    }

    /** Only for {@link #warmUp}: never loaded with advice. */
    static final class WarmUp {
        private WarmUp() {
        }

        static int run(int x) {
            if (x > 0) {
                return x;
            }
            return -x;
        }
    }
}
