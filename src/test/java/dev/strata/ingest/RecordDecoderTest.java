package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.JsonPath;
import java.nio.charset.StandardCharsets;
import dev.strata.config.RecordFilter;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
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
        assertThat(EventTimes.instant(d.eventTime())).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
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

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b(s)));
    }

    private static RecordDecoder decoder(List<String> key, Optional<RecordFilter> filter) {
        return new RecordDecoder(key.stream().map(JsonPath::parse).toList(), filter, Optional.empty(), 10_000, true);
    }

    @Test
    void shouldKeyAnObjectByTheMd5OfItsExactText() throws Exception {
        RecordDecoder d = decoder(List.of("$.payload"), Optional.empty());
        assertThat(d.decode(b("{\"id\":1, \"payload\": {\"b\": [1, {\"c\": \"}\"}], \"a\": 2} }")).key())
                .isEqualTo(md5("{\"b\": [1, {\"c\": \"}\"}], \"a\": 2}"));
        assertThat(d.decode(b("{\"payload\":[3,4]}")).key()).isEqualTo(md5("[3,4]"));
        assertThat(decoder(List.of("$"), Optional.empty()).decode(b("{\"a\":1}")).key()).isEqualTo(md5("{\"a\":1}"));
    }

    @Test
    void shouldJoinSeveralKeyPartsSoThatDifferentPartsNeverGiveTheSameKey() throws Exception {
        RecordDecoder d = decoder(List.of("$.object_id", "$.sent_dttm", "$.payload"), Optional.empty());
        String value = "{\"object_id\":\"op-1\",\"sent_dttm\":\"2022-10-01T00:24:02\",\"payload\":{\"amount\":5}}";
        assertThat(d.decode(b(value)).key()).isEqualTo("op-1|2022-10-01T00:24:02|" + md5("{\"amount\":5}"));
        RecordDecoder two = decoder(List.of("$.a", "$.b"), Optional.empty());
        String k1 = two.decode(b("{\"a\":\"x|\",\"b\":\"y\"}")).key();
        String k2 = two.decode(b("{\"a\":\"x\",\"b\":\"|y\"}")).key();
        String k3 = two.decode(b("{\"a\":\"x\\\\\",\"b\":\"y\"}")).key();
        assertThat(List.of(k1, k2, k3)).doesNotHaveDuplicates();
        assertThat(k1).isEqualTo("x\\||y");
        assertThat(two.decode(b("{\"a\":\"x\"}")).rejection().message()).isEqualTo("missing key: no value at $.b");
        assertThat(two.decode(b("{\"a\":\"x\",\"b\":null}")).rejection().message()).isEqualTo("missing key: $.b is null");
    }

    @Test
    void shouldSkipWhatTheFilterDoesNotSelectWhateverItsKey() {
        Optional<RecordFilter> tx = Optional.of(new RecordFilter(JsonPath.parse("$.object_type"), List.of("TRANSACTION")));
        RecordDecoder d = decoder(List.of("$.object_id"), tx);
        assertThat(d.decode(b("{\"object_type\":\"TRANSACTION\",\"object_id\":\"a\"}")).key()).isEqualTo("a");
        assertThat(d.decode(b("{\"object_type\":\"CURRENCY\",\"object_id\":\"a\"}")).skipped()).isTrue();
        assertThat(d.decode(b("{\"object_type\":\"CURRENCY\"}")).skipped()).as("no key, but not ours").isTrue();
        assertThat(d.decode(b("{\"object_type\":\"CURRENCY\",\"x\":\"a\\u0000\"}")).skipped()).as("unstorable, but not ours").isTrue();
        assertThat(d.decode(b("{\"object_id\":\"a\"}")).skipped()).as("no type at all").isTrue();
        assertThat(d.decode(b("{\"object_type\":{\"v\":\"TRANSACTION\"}}")).skipped()).isTrue();
        assertThat(d.decode(b("{\"object_type\":\"TRANSACTION\"}")).rejection().reason()).isEqualTo(RecordDecoder.Reason.MISSING_KEY);
        assertThat(d.decode(b("{\"object_type\":\"TRANSACTION\",\"object_id\":\"a\",\"x\":\"\\u0000\"}")).rejection().reason())
                .isEqualTo(RecordDecoder.Reason.UNSTORABLE);
        assertThat(d.decode(b("{\"object_type\":\"CURRENCY\",")).rejection().reason())
                .as("unreadable: nobody can tell whose it is").isEqualTo(RecordDecoder.Reason.NOT_JSON);
        RecordDecoder numbers = decoder(List.of(), Optional.of(new RecordFilter(JsonPath.parse("$.v"), List.of("420", "true"))));
        assertThat(numbers.decode(b("{\"v\":420}")).accepted()).isTrue();
        assertThat(numbers.decode(b("{\"v\":true}")).accepted()).isTrue();
        assertThat(numbers.decode(b("{\"v\":421}")).skipped()).isTrue();
    }
}
