package dev.strata.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules for every file a project names ({@code strata.yaml}, mart templates, check files):
 * <ul>
 *   <li><b>Inside the project.</b> A file named by the project resolves, after following symbolic
 *       links, inside the project folder (also after following links). {@code ../../etc/shadow}, an
 *       absolute {@code /etc/passwd} or a link under {@code marts/} pointing elsewhere is a config
 *       error at the place that names it, so that {@code validate} and {@code plan} never print a
 *       file from outside: a project someone hands you cannot make Strata read your files.
 *       {@code strata.yaml} itself defines the project folder and may be a link.</li>
 *   <li><b>Bounded.</b> At most {@value #MAX_BYTES} bytes (4 MiB), checked before the file is read;
 *       real project files are a few kilobytes, and a parser fed a 50 MB scalar spins for minutes.</li>
 *   <li><b>UTF-8.</b> Decoded strictly: a byte that is not UTF-8 is reported with its offset, line
 *       and column instead of being replaced silently or failing with the decoder's bare message.</li>
 * </ul>
 * Problems go to {@link Problems}, like every other config problem, with the key that names the file.
 */
public final class ProjectFiles {
    /** The largest project file Strata reads: 4 MiB. */
    public static final long MAX_BYTES = 4L * 1024 * 1024;

    private ProjectFiles() {
    }

    /**
     * Checks that {@code name} (relative to {@code projectDir}, or absolute) lies inside the project
     * after following links; otherwise records a problem at {@code namedAt} under {@code key} and
     * returns false. A file that does not exist is judged by its path alone (the caller reports it
     * missing); nothing is read.
     */
    public static boolean checkInside(Path projectDir, Path name, Position namedAt, String key, Problems problems) {
        Optional<String> outside = outside(projectDir, name);
        outside.ifPresent(reason -> problems.add(namedAt, key, reason));
        return outside.isEmpty();
    }

    /** Why {@code name} is outside the project, or empty when it is inside (or cannot be outside). */
    static Optional<String> outside(Path projectDir, Path name) {
        Path root = real(projectDir);
        Path file = projectDir.resolve(name);
        Path target = real(file);
        if (target.startsWith(root)) {
            return Optional.empty();
        }
        // written inside the project but not there once links are followed: a link points out
        boolean link = file.toAbsolutePath().normalize().startsWith(projectDir.toAbsolutePath().normalize());
        String how = (link ? "links to " : "resolves to ") + target;
        return Optional.of("'" + name + "' " + how + ", outside the project folder " + root
                + "; a project may only use files inside its folder");
    }

    /**
     * Reads a project file as text, or records why it cannot be read and returns empty: outside the
     * project, missing, too large or unreadable (at {@code namedAt}, under {@code key}), or not UTF-8
     * (at the first bad byte in the file itself, shown as {@code display}).
     */
    public static Optional<String> read(Path projectDir, Path name, String display, Position namedAt, String key,
                                        Problems problems) {
        if (!checkInside(projectDir, name, namedAt, key, problems)) {
            return Optional.empty();
        }
        return readText(projectDir.resolve(name), display, namedAt, key, problems);
    }

    /**
     * Reads {@code file} as UTF-8 text after checking its size (see the class comment); problems about
     * the file as a whole are recorded at {@code namedAt}, a bad byte at its own line and column.
     */
    public static Optional<String> readText(Path file, String display, Position namedAt, String key, Problems problems) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                problems.add(namedAt, key, display + " is " + bytes(size) + ", larger than the " + bytes(MAX_BYTES)
                        + " a project file may have (the limit guards against runaway files; real ones are a few kB)");
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add(namedAt, key, "cannot read " + display + ": " + describe(e));
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) { // grew between size() and reading
            problems.add(namedAt, key, display + " is larger than the " + bytes(MAX_BYTES) + " a project file may have");
            return Optional.empty();
        }
        try {
            return Optional.of(decode(bytes));
        } catch (NotUtf8 e) {
            problems.add(new Position(display, e.line, e.column), key, e.getMessage());
            return Optional.empty();
        }
    }

    /** Decodes strict UTF-8; a leading byte-order mark is dropped, as editors that write one expect. */
    static String decode(byte[] bytes) throws NotUtf8 {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw NotUtf8.at(bytes, in.position(), out.flip());
        }
        out.flip();
        int start = out.length() > 0 && out.charAt(0) == '\uFEFF' ? 1 : 0;
        return out.subSequence(start, out.length()).toString();
    }

    /** A file that is not UTF-8, with the place of its first bad byte. */
    static final class NotUtf8 extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;

        private NotUtf8(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        /** @param decoded the text before the bad byte, which gives its line and column */
        static NotUtf8 at(byte[] bytes, int offset, CharSequence decoded) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < decoded.length(); i++) {
                if (decoded.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = Character.codePointCount(decoded, lineStart, decoded.length()) + 1;
            String bad = String.format(Locale.ROOT, "0x%02X", bytes[offset] & 0xff);
            return new NotUtf8("the file is not UTF-8: byte " + bad + " at offset " + offset + " (line " + line
                    + ", column " + column + ") is not valid UTF-8; save the file as UTF-8 (it may be in Latin-1 "
                    + "or Windows-1252)", line, column);
        }
    }

    private static Path real(Path p) {
        Path absolute = p.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            try {
                return absolute.toRealPath();
            } catch (IOException e) {
                return absolute;
            }
        }
        // not there (yet): resolve the nearest existing folder, so a link above the missing file counts
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            parent = parent.getParent();
        }
        if (parent == null) {
            return absolute;
        }
        try {
            return parent.toRealPath().resolve(parent.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? type : e.getMessage();
        };
    }

    private static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d bytes", n) + (n >= 1024 * 1024
                ? String.format(Locale.ROOT, " (%.1f MiB)", n / (1024.0 * 1024)) : "");
    }
}
