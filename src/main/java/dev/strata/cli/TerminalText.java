package dev.strata.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes and text from outside (payloads, keys, headers, error messages that quote them) made safe
 * to print on a terminal, as {@code jq} prints JSON (ESC as an escape, never as the byte): nothing that reaches the
 * terminal can act on it. A record holding {@code ESC[2J} would clear the screen, {@code ESC]0;…BEL}
 * would set the window title, {@code \r} would overwrite what came before it on the line, and a
 * bidirectional override would show text in another order than it is stored (issue 20 item 6).
 *
 * <ul>
 *   <li>control characters (U+0000–U+001F, U+007F) are written {@code \xHH}; C1 controls
 *       (U+0080–U+009F, which some terminals read as {@code ESC [}) and the bidirectional
 *       formatting characters (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as a backslash,
 *       {@code u} and four hex digits. Newline and tab are kept where a value is printed whole;
 *       where one record must stay one line they are written as the two characters {@code \n} and
 *       {@code \t};</li>
 *   <li>bytes that are not valid UTF-8 are written {@code \xHH} each, the valid text around them as
 *       text;</li>
 *   <li>a backslash stays a backslash, so JSON reads as JSON; a payload that holds the four
 *       characters {@code \x1b} therefore looks like one that holds ESC — {@code dead-letters show
 *       --save-value FILE} writes the exact bytes to a file.</li>
 * </ul>
 */
final class TerminalText {
    private TerminalText() {
    }

    /**
     * {@code bytes} decoded as UTF-8 and escaped; after {@code max} characters of output the rest is
     * left out and {@code ... (N bytes)} said instead (never in the middle of an escape).
     */
    static String of(byte[] bytes, boolean multiline, int max) {
        StringBuilder out = new StringBuilder();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer chars = CharBuffer.allocate(Math.max(16, Math.min(bytes.length, 8192)));
        boolean cut = false;
        while (!cut) {
            CoderResult r = decoder.decode(in, chars, true);
            if (r.isUnderflow()) {
                decoder.flush(chars);
            }
            chars.flip();
            cut = !append(out, chars, multiline, max);
            chars.clear();
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) {
                    int b = in.get() & 0xff;
                    if (out.length() >= max) {
                        cut = true;
                    } else {
                        hex(out, b);
                    }
                }
            } else if (r.isUnderflow()) {
                break;
            }
        }
        return cut || in.hasRemaining() ? out + "... (" + bytes.length + " bytes)" : out.toString();
    }

    /** {@code text} escaped; after {@code max} characters of output the rest is left out ({@code ...}). */
    static String of(String text, boolean multiline, int max) {
        StringBuilder out = new StringBuilder();
        return append(out, CharBuffer.wrap(text), multiline, max) ? out.toString() : out + "...";
    }

    /** A one-line message (an error quoting a payload), escaped whole. */
    static String line(String text) {
        return text == null ? "" : of(text, false, Integer.MAX_VALUE);
    }

    /** Appends {@code chars} escaped; false when it stopped at {@code max} with characters left. */
    private static boolean append(StringBuilder out, CharBuffer chars, boolean multiline, int max) {
        while (chars.hasRemaining()) {
            if (out.length() >= max) {
                return false;
            }
            char c = chars.get();
            if (c == '\n' || c == '\t') {
                if (multiline) {
                    out.append(c);
                } else {
                    out.append(c == '\n' ? "\\n" : "\\t");
                }
            } else if (c < 0x20 || c == 0x7f) {
                hex(out, c);
            } else if ((c >= 0x80 && c <= 0x9f) || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
                    || (c >= 0x2066 && c <= 0x2069)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return true;
    }

    private static void hex(StringBuilder out, int b) {
        out.append(String.format("\\x%02x", b));
    }
}
