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
    }
}
