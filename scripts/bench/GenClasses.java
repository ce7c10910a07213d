import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the generated host's classes: N class files {@code gen.C0 .. gen.C(N-1)} (class file version 61) into jars of
 * {@value #PER_JAR} classes each (deflated, as libraries are), so that a class path of many jars holds them. Each class
 * implements {@code java.util.function.IntSupplier}, has a constructor that sets a field, {@code getAsInt}, five static
 * methods returning string constants, and a static initializer that sets a static field and calls {@code getAsInt} on an
 * instance of its own: loading and initializing one parses, verifies, links and runs it (about 1 KB each, as a small
 * application class). Written directly, no compiler: 50,000 classes take a few seconds.
 *
 * <pre>java GenClasses DIR N</pre>
 * Prints the class path (DIR/gen-K.jar joined by ':').
 */
public final class GenClasses {
    static final int PER_JAR = 5000;

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args[0]);
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        StringBuilder cp = new StringBuilder();
        for (int first = 0, k = 0; first < n; first += PER_JAR, k++) {
            Path jar = dir.resolve("gen-" + n + "-" + k + ".jar");
            try (ZipOutputStream out = new ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(jar), 1 << 16))) {
                for (int i = first; i < Math.min(n, first + PER_JAR); i++) {
                    out.putNextEntry(new ZipEntry("gen/C" + i + ".class"));
                    out.write(classFile(i));
                    out.closeEntry();
                }
            }
            cp.append(cp.length() == 0 ? "" : ":").append(jar.toAbsolutePath());
        }
        System.out.println(cp);
    }

    /** The constant pool, entries deduplicated. */
    static final class Pool {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        final Map<String, Integer> index = new HashMap<>();
        int count = 1;

        int entry(String key, int tag, Writer w) throws IOException {
            Integer i = index.get(key);
            if (i != null) {
                return i;
            }
            out.writeByte(tag);
            w.write(out);
            index.put(key, count);
            return count++;
        }

        interface Writer {
            void write(DataOutputStream out) throws IOException;
        }

        int utf8(String s) throws IOException {
            return entry("U" + s, 1, o -> o.writeUTF(s));
        }

        int integer(int v) throws IOException {
            return entry("I" + v, 3, o -> o.writeInt(v));
        }

        int type(String internalName) throws IOException {
            int name = utf8(internalName);
            return entry("C" + internalName, 7, o -> o.writeShort(name));
        }

        int string(String s) throws IOException {
            int u = utf8(s);
            return entry("S" + s, 8, o -> o.writeShort(u));
        }

        int nameAndType(String name, String desc) throws IOException {
            int n = utf8(name);
            int d = utf8(desc);
            return entry("N" + name + ":" + desc, 12, o -> {
                o.writeShort(n);
                o.writeShort(d);
            });
        }

        int ref(int tag, String owner, String name, String desc) throws IOException {
            int c = type(owner);
            int nt = nameAndType(name, desc);
            return entry("R" + tag + owner + "." + name + desc, tag, o -> {
                o.writeShort(c);
                o.writeShort(nt);
            });
        }
    }

    static byte[] classFile(int i) throws IOException {
        String self = "gen/C" + i;
        Pool p = new Pool();
        int thisClass = p.type(self);
        int superClass = p.type("java/lang/Object");
        int iface = p.type("java/util/function/IntSupplier");
        int objectInit = p.ref(10, "java/lang/Object", "<init>", "()V");
        int selfInit = p.ref(10, self, "<init>", "()V");
        int valueField = p.ref(9, self, "value", "I");
        int nameField = p.ref(9, self, "NAME", "Ljava/lang/String;");
        int getAsInt = p.ref(11, "java/util/function/IntSupplier", "getAsInt", "()I");
        int number = p.integer(i);
        int text = p.string("gen.C" + i + ": a generated class of the bench's generated host");
        int code = p.utf8("Code");
        List<byte[]> methods = new ArrayList<>();
        methods.add(method(p, 0x0001, "<init>", "()V", 2, 1, code, new byte[] {
                0x2a, (byte) 0xb7, hi(objectInit), lo(objectInit), // aload_0; invokespecial Object.<init>
                0x2a, 0x13, hi(number), lo(number), // aload_0; ldc_w i
                (byte) 0xb5, hi(valueField), lo(valueField), (byte) 0xb1})); // putfield value; return
        methods.add(method(p, 0x0001, "getAsInt", "()I", 1, 1, code, new byte[] {
                0x2a, (byte) 0xb4, hi(valueField), lo(valueField), (byte) 0xac})); // aload_0; getfield; ireturn
        for (int m = 0; m < 5; m++) {
            int s = p.string("gen.C" + i + ".m" + m + " returns this text");
            methods.add(method(p, 0x0009, "m" + m, "()Ljava/lang/String;", 1, 0, code, new byte[] {
                    0x13, hi(s), lo(s), (byte) 0xb0})); // ldc_w; areturn
        }
        int selfType = thisClass;
        methods.add(method(p, 0x0008, "<clinit>", "()V", 2, 0, code, new byte[] {
                0x13, hi(text), lo(text), (byte) 0xb3, hi(nameField), lo(nameField), // ldc_w text; putstatic NAME
                (byte) 0xbb, hi(selfType), lo(selfType), 0x59, (byte) 0xb7, hi(selfInit), lo(selfInit), // new; dup; invokespecial
                (byte) 0xb9, hi(getAsInt), lo(getAsInt), 1, 0, 0x57, (byte) 0xb1})); // invokeinterface getAsInt; pop; return
        int valueName = p.utf8("value");
        int intDesc = p.utf8("I");
        int nameName = p.utf8("NAME");
        int stringDesc = p.utf8("Ljava/lang/String;");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1200);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(61);
        out.writeShort(p.count);
        p.out.flush();
        p.bytes.writeTo(out);
        out.writeShort(0x0021); // public super
        out.writeShort(thisClass);
        out.writeShort(superClass);
        out.writeShort(1);
        out.writeShort(iface);
        out.writeShort(2);
        out.writeShort(0x0002); // private int value
        out.writeShort(valueName);
        out.writeShort(intDesc);
        out.writeShort(0);
        out.writeShort(0x001a); // private static final String NAME
        out.writeShort(nameName);
        out.writeShort(stringDesc);
        out.writeShort(0);
        out.writeShort(methods.size());
        for (byte[] m : methods) {
            out.write(m);
        }
        out.writeShort(0);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] method(Pool p, int access, String name, String desc, int maxStack, int maxLocals, int codeName,
                                 byte[] code) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(access);
        out.writeShort(p.utf8(name));
        out.writeShort(p.utf8(desc));
        out.writeShort(1);
        out.writeShort(codeName);
        out.writeInt(2 + 2 + 4 + code.length + 2 + 2);
        out.writeShort(maxStack);
        out.writeShort(maxLocals);
        out.writeInt(code.length);
        out.write(code);
        out.writeShort(0);
        out.writeShort(0);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte hi(int v) {
        return (byte) (v >> 8);
    }

    private static byte lo(int v) {
        return (byte) v;
    }
}
