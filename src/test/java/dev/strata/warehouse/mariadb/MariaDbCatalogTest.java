package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which servers the MariaDB adapter accepts, from what {@code VERSION()} reports, and how column types read back. */
class MariaDbCatalogTest {
    @Test
    void shouldAcceptMariaDbTenSixAndLaterAndRefuseOlderOnesAndMySqlInOneSentence() {
        assertThat(MariaDbCatalog.unsupported("11.4.5-MariaDB")).isNull();
        assertThat(MariaDbCatalog.unsupported("10.6.0-MariaDB-log")).isNull();
        assertThat(MariaDbCatalog.unsupported("10.11.19-MariaDB-0+deb12u1")).isNull();
        assertThat(MariaDbCatalog.unsupported("10.5.27-MariaDB")).isEqualTo("the warehouse runs MariaDB 10.5.27-MariaDB, "
                + "which Strata does not support: it needs MariaDB 10.6 or later (SKIP LOCKED and JSON_TABLE)");
        assertThat(MariaDbCatalog.unsupported("8.0.36")).startsWith("the warehouse runs MySQL 8.0.36, which Strata does not support yet");
        assertThat(MariaDbCatalog.unsupported("5.5.5-10.11.2-MariaDB")).as("the prefix for old MySQL clients").isNull();
        assertThat(MariaDbCatalog.unsupported("5.5.5-10.3.1-MariaDB")).startsWith("the warehouse runs MariaDB 5.5.5-10.3.1-MariaDB");
    }

    @Test
    void shouldReadIntegerTypesWithoutDisplayWidths() {
        assertThat(MariaDbCatalog.normalize("bigint(20)")).isEqualTo("bigint");
        assertThat(MariaDbCatalog.normalize("int(11)")).isEqualTo("int");
        assertThat(MariaDbCatalog.normalize("tinyint(1)")).isEqualTo("tinyint(1)");
        assertThat(MariaDbCatalog.normalize("decimal(19,5)")).isEqualTo("decimal(19,5)");
        assertThat(MariaDbCatalog.normalize("BINARY(16)")).isEqualTo("binary(16)");
    }
}
