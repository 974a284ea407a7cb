package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("reliability")
class TerminalTextTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldEscapeWhatCouldActOnTheTerminalAndKeepTheRest() {
        assertThat(TerminalText.of(b("a\u001b[2Jb\u001b]0;t\u0007c\r\u007f\u009b\u202e\u2066ü€"), true, 1000))
                .isEqualTo("a\\x1b[2Jb\\x1b]0;t\\x07c\\x0d\\x7f\\u009b\\u202e\\u2066ü€");
        assertThat(TerminalText.of(b("{\"a\": \"x\\\"y\"}\n\tz"), true, 1000)).isEqualTo("{\"a\": \"x\\\"y\"}\n\tz");
        assertThat(TerminalText.of(b("one\ntwo\tthree"), false, 1000)).isEqualTo("one\\ntwo\\tthree");
        assertThat(TerminalText.line("reason: \u001b[31m")).isEqualTo("reason: \\x1b[31m");
    }

    @Test
    void shouldShowInvalidUtf8BytesAsHexAndTheTextAroundThemAsText() {
        assertThat(TerminalText.of(new byte[] {'o', 'k', (byte) 0xff, (byte) 0xc3, 'x', (byte) 0xc3, (byte) 0xbc}, true, 100))
                .isEqualTo("ok\\xff\\xc3xü");
    }

    @Test
    void shouldCutALongValueBetweenEscapesAndSayItsSize() {
        byte[] value = b("ab\u001bcdefgh");
        assertThat(TerminalText.of(value, false, 3)).isEqualTo("ab\\x1b... (9 bytes)");
        assertThat(TerminalText.of(value, false, 2)).isEqualTo("ab... (9 bytes)");
        assertThat(TerminalText.of(b("short"), false, 5)).isEqualTo("short");
        assertThat(TerminalText.of(new byte[] {'a', (byte) 0xff, (byte) 0xfe}, false, 1)).isEqualTo("a... (3 bytes)");
    }
}
