package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeadersTest {
    @Test
    void shouldWriteRepeatedNamesAsArraysAndNonTextAsBase64() {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        h.add("hop", "a".getBytes(StandardCharsets.UTF_8));
        h.add("hop", "b".getBytes(StandardCharsets.UTF_8));
        h.add("bin", new byte[] {(byte) 0xFF, 0});
        h.add("none", null);
        assertThat(Headers.toJson(h)).isEqualTo("{\"trace\":\"t-1\",\"hop\":[\"a\",\"b\"],\"bin\":\"/wA=\",\"none\":null}");
    }

    @Test
    void shouldGiveNullWithoutHeaders() {
        assertThat(Headers.toJson(new RecordHeaders())).isNull();
        assertThat(Headers.toJson(null)).isNull();
    }
}
