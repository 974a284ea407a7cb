package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CsvRowsTest {
    @Test
    void shouldQuoteTextDoubleQuotesAndTellEmptyFromNull() throws IOException {
        CsvRows csv = new CsvRows(16);
        csv.beginRow().text("a\"b").utf8("{\"k\":\"x,\\ny\"}".getBytes(StandardCharsets.UTF_8)).text("").nullField().number(7)
                .text("€").endRow();
        csv.beginRow().text(null).utf8(new byte[0]).number(-1).endRow();
        assertThat(new String(csv.rows(0, 2).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("\"a\"\"b\",\"{\"\"k\"\":\"\"x,\\ny\"\"}\",\"\",,7,\"€\"\n,\"\",-1\n");
        assertThat(new String(csv.rows(1, 2).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(",\"\",-1\n");
        assertThat(new String(csv.field(0, 1), StandardCharsets.UTF_8)).isEqualTo("{\"k\":\"x,\\ny\"}");
        assertThat(new String(csv.field(0, 0), StandardCharsets.UTF_8)).isEqualTo("a\"b");
        assertThat(csv.field(0, 2)).isEmpty();
        assertThat(csv.field(0, 3)).isNull();
        assertThat(new String(csv.field(0, 5), StandardCharsets.UTF_8)).isEqualTo("€");
        assertThat(csv.field(1, 0)).isNull();
        assertThat(new String(csv.field(1, 2), StandardCharsets.UTF_8)).isEqualTo("-1");
    }

    @Test
    void shouldFrameEachRowWithItsSequenceNumberAndTheBatchId() throws IOException {
        CsvRows csv = new CsvRows(16);
        for (int i = 0; i < 3; i++) {
            csv.beginRow().text("k" + i).number(i).endRow();
        }
        assertThat(new String(csv.framed(0, 3, 41, 7).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("41,\"k0\",0,7\n42,\"k1\",1,7\n43,\"k2\",2,7\n");
        assertThat(new String(csv.framed(1, 2, 5, 9).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("5,\"k1\",1,9\n");
        java.io.InputStream in = csv.framed(0, 3, 1, 2);
        byte[] small = new byte[4];
        StringBuilder sb = new StringBuilder();
        for (int n; (n = in.read(small, 0, small.length)) >= 0; ) {
            assertThat(n).isPositive();
            sb.append(new String(small, 0, n, StandardCharsets.UTF_8));
        }
        assertThat(sb).hasToString("1,\"k0\",0,2\n2,\"k1\",1,2\n3,\"k2\",2,2\n");
    }
}
