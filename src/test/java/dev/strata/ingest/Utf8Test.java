package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void shouldAcceptWellFormedText() {
        assertThat(Utf8.firstInvalid("plain, ß, €, 𝄞".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void shouldRejectWhatPostgresqlWouldRefuse() {
        assertThat(Utf8.firstInvalid(new byte[] {'a', (byte) 0xC0, (byte) 0x80})).as("overlong NUL").isEqualTo(1);
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("surrogate").isZero();
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("past U+10FFFF").isZero();
        assertThat(Utf8.firstInvalid(new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82})).as("truncated").isEqualTo(2);
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xFF})).isZero();
    }
}
