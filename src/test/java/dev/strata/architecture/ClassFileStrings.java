package dev.strata.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The string constants of a compiled class: every {@code CONSTANT_String} of its constant pool,
 * which covers string literals and the recipes of {@code +} concatenations (javac 9+ passes them to
 * {@code StringConcatFactory} as constants, with {@code \u0001} where a value goes). Reads the
 * class-file format (JVMS §4.4) directly; nothing is loaded or run.
 */
final class ClassFileStrings {
    private ClassFileStrings() {
    }

    static List<String> of(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();   // minor
        in.readUnsignedShort();   // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> stringRefs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> stringRefs.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.readUnsignedShort();          // Class, MethodType, Module, Package
                case 15 -> {                                              // MethodHandle
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();        // Integer, Float, refs, NameAndType, Dynamic
                case 5, 6 -> {                                            // Long, Double take two slots
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> out = new ArrayList<>();
        for (int ref : stringRefs) {
            if (utf8[ref] != null) {
                out.add(utf8[ref]);
            }
        }
        return out;
    }
}
