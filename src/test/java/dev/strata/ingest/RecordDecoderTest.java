package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
    private final RecordDecoder keyed = new RecordDecoder(Optional.of(JsonPath.parse("$.object_id")),
            Optional.of(JsonPath.parse("$.payload.date")), 1000, true);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcceptAnObjectAndExtractItsKeyAndEventTime() {
        RecordDecoder.Decoded d = keyed.decode(b("{\"object_id\":42,\"payload\":{\"date\":\"2022-10-01 12:00:00\",\"x\":[1,{\"date\":1}]}}"));
        assertThat(d.accepted()).isTrue();
        assertThat(d.key()).isEqualTo("42");
        assertThat(d.eventTime()).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
    }

    @Test
    void shouldFindKeysInsideArraysByIndex() {
        RecordDecoder d = new RecordDecoder(Optional.of(JsonPath.parse("$.items[1].id")), Optional.empty(), 1000, true);
        assertThat(d.decode(b("{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}]}")).key()).isEqualTo("b");
        assertThat(d.decode(b("{\"items\":[{\"id\":\"a\"}]}")).rejection().reason()).isEqualTo(RecordDecoder.Reason.MISSING_KEY);
    }

    @Test
    void shouldRejectEachKindOfPoisonWithAClearReason() {
        assertThat(keyed.decode(null).rejection().message()).contains("tombstone");
        assertThat(keyed.decode(new byte[0]).rejection().message()).contains("empty value");
        assertThat(keyed.decode(new byte[1001]).rejection().message()).contains("1001 bytes, over max_message_bytes (1000 bytes)");
        assertThat(keyed.decode(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}).rejection().message())
                .isEqualTo("not valid UTF-8: invalid byte sequence at byte 6 (0xc3)");
        assertThat(keyed.decode(b("{\"object_id\": 1,")).rejection().reason()).isEqualTo(RecordDecoder.Reason.NOT_JSON);
        assertThat(keyed.decode(b("{object_id: 1}")).rejection().message()).startsWith("not valid JSON: ").contains("line 1, column 2");
        assertThat(keyed.decode(b("[{\"object_id\":1}]")).rejection().message()).isEqualTo("not a JSON object: the value is an array");
        assertThat(keyed.decode(b("{\"object_id\":1} {\"object_id\":2}")).rejection().message()).contains("more content after the object");
        assertThat(keyed.decode(b("{\"id\":1}")).rejection().message()).isEqualTo("missing key: no value at $.object_id");
        assertThat(keyed.decode(b("{\"object_id\":null}")).rejection().message()).isEqualTo("missing key: $.object_id is null");
        assertThat(keyed.decode(b("{\"object_id\":{\"a\":1}}")).rejection().reason()).isEqualTo(RecordDecoder.Reason.BAD_KEY);
        assertThat(keyed.decode(b("{\"object_id\":\"a\\u0000b\"}")).rejection().reason()).isEqualTo(RecordDecoder.Reason.UNSTORABLE);
    }

    @Test
    void shouldTellAnEscapedBackslashBeforeU0000FromANulEscape() {
        assertThat(RecordDecoder.containsNulEscape(b("{\"a\":\"\\\\u0000\"}"))).isFalse();
        assertThat(RecordDecoder.containsNulEscape(b("{\"a\":\"\\\\\\u0000\"}"))).isTrue();
    }

    @Test
    void shouldLandARecordWhoseEventTimeIsUnreadableWithANullEventTime() {
        RecordDecoder.Decoded d = keyed.decode(b("{\"object_id\":\"k\",\"payload\":{\"date\":\"yesterday\"}}"));
        assertThat(d.accepted()).isTrue();
        assertThat(d.eventTime()).isNull();
        assertThat(d.eventTimeUnreadable()).isTrue();
    }

    @Test
    void shouldAcceptAnyObjectWithoutAKeyPath() {
        RecordDecoder plain = new RecordDecoder(Optional.empty(), Optional.empty(), 1000, true);
        assertThat(plain.decode(b("{}")).accepted()).isTrue();
        assertThat(plain.decode(b("{}")).key()).isNull();
    }
}
