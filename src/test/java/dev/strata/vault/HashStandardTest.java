package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HashStandardTest {
    @Test
    void shouldHashTheExamplesOfTheDocumentation() {
        assertThat(HashStandard.hashKey(List.of("626a81ce"))).isEqualTo(HashStandard.md5("626A81CE"));
        assertThat(HashStandard.hashKey(List.of(" ab ", "Cd"))).isEqualTo(HashStandard.md5("AB|CD"));
        assertThat(HashStandard.hashKey(List.of("a|b"))).isEqualTo(HashStandard.md5("A\\|B"));
        assertThat(HashStandard.hashKey(Arrays.asList(null, "x"))).isEqualTo(HashStandard.md5("\\N|X"));
        assertThat(HashStandard.hashKey(Arrays.asList(null, "  "))).isEqualTo(HashStandard.UNKNOWN_KEY);
        assertThat(HashStandard.UNKNOWN_KEY).hasToString("00000000-0000-0000-0000-000000000000");
    }

    @Test
    void shouldStoreThePlainMd5DigestAsTheUuid() {
        // md5("") = d41d8cd98f00b204e9800998ecf8427e
        assertThat(HashStandard.md5("")).isEqualTo(UUID.fromString("d41d8cd9-8f00-b204-e980-0998ecf8427e"));
    }

    @Test
    void shouldNormalizeKeysButKeepAttributesAsWritten() {
        assertThat(HashStandard.hashKey(List.of("\t abc\n"))).isEqualTo(HashStandard.hashKey(List.of("ABC")));
        assertThat(HashStandard.hashDiff(List.of("abc"))).isNotEqualTo(HashStandard.hashDiff(List.of("ABC")));
        assertThat(HashStandard.hashDiff(List.of(" abc "))).isEqualTo(HashStandard.hashDiff(List.of("abc")));
        assertThat(HashStandard.hashDiff(List.of(""))).isNotEqualTo(HashStandard.hashDiff(Arrays.asList((String) null)));
        // only ASCII letters change case: the hash must not depend on a locale or Unicode version
        assertThat(HashStandard.normalizeKeyPart("straße é")).isEqualTo("STRAßE é");
        assertThat(HashStandard.normalizeKeyPart("\u00A0x\u00A0")).isEqualTo("\u00A0X\u00A0");
    }

    @Test
    void shouldNeverEncodeTwoDifferentListsOfPartsAlike() {
        String[] pieces = {"", "a", "|", "\\", "N", "\\N", "\\|", "|\\"};
        SplittableRandom rnd = new SplittableRandom(5);
        Map<String, List<String>> seen = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            int n = 1 + rnd.nextInt(3);
            String[] parts = new String[n];
            for (int p = 0; p < n; p++) {
                if (rnd.nextInt(6) == 0) {
                    parts[p] = null;
                } else {
                    StringBuilder sb = new StringBuilder();
                    for (int k = rnd.nextInt(4); k > 0; k--) {
                        sb.append(pieces[rnd.nextInt(pieces.length)]);
                    }
                    parts[p] = sb.toString();
                }
            }
            List<String> list = Arrays.asList(parts);
            List<String> earlier = seen.putIfAbsent(HashStandard.encode(parts), list);
            assertThat(earlier == null || earlier.equals(list)).as(list + " encodes like " + earlier).isTrue();
        }
    }
}
