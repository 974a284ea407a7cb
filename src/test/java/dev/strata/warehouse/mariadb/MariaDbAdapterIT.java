package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.Warehouse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the MariaDB adapter does beyond the shared contract, on the embedded server: how every
 * session is opened, the bulk load's CSV rewriting and warnings, a lock held around DDL, and a
 * task's session settings restored afterwards.
 */
class MariaDbAdapterIT {
    private static final String COLUMNS = "(k varchar(20) PRIMARY KEY, txt longtext, at datetime(6), doc json)";

    private static Warehouse warehouse() {
        Warehouse w = WarehouseUnderTest.mariadb().newDatabase();
        w.migrate();
        return w;
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldOpenEverySessionReadCommittedInUtcStrictWithBackslashEscapesAndHashJoins() throws Exception {
        try (Warehouse w = warehouse()) {
            for (Connection c : List.of(w.connection(), w.unpooledConnection())) {
                try (c) {
                    assertThat(rows(c, "SELECT @@tx_isolation, @@time_zone, @@join_cache_level"))
                            .containsExactly("READ-COMMITTED|+00:00|4");
                    assertThat(rows(c, "SELECT @@sql_mode").get(0)).contains("STRICT_ALL_TABLES", "NO_ZERO_DATE")
                            .doesNotContain("NO_BACKSLASH_ESCAPES");
                    assertThat(rows(c, "SELECT " + w.sql().literal("a\\N'b"))).containsExactly("a\\N'b");
                }
            }
        }
    }

    @Test
    void shouldLoadNullsEmptyTextZonedTimestampsAndQuotedNewlinesAsCopyWould() throws Exception {
        try (Warehouse w = warehouse(); Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE b");
            s.execute("CREATE TABLE b.t " + COLUMNS);
            String data = "\"a\",,\"2024-03-31T03:30:00.5+02:00\",\"{\"\"x\"\": \"\"1,2\"\"}\"\n"
                    + "\"b\",\"\",\"2024-01-01T00:00:00Z\",\n"
                    + "\"c\",\"two\nlines, \"\"quoted\"\"\",,\"[]\"\n"
                    // an unquoted timestamp, as COPY reads it too
                    + "\"d\",x,2024-01-01T00:03Z,\n";
            long n = w.bulkLoad().load(c, "b.t", List.of("k", "txt", "at", "doc"), csv(data));
            // an unquoted timestamp ending the stream, without a newline
            n += w.bulkLoad().load(c, "b.t", List.of("k", "txt", "at"), csv("\"e\",y,2024-06-30T23:59:59.25-01:00"));
            assertThat(n).isEqualTo(5);
            assertThat(rows(c, "SELECT k, txt IS NULL, txt, CAST(at AS CHAR), doc FROM b.t ORDER BY k")).containsExactly(
                    "a|1|null|2024-03-31 01:30:00.500000|{\"x\": \"1,2\"}",
                    "b|0||2024-01-01 00:00:00.000000|null",
                    "c|0|two\nlines, \"quoted\"|null|[]",
                    "d|0|x|2024-01-01 00:03:00.000000|null",
                    "e|0|y|2024-07-01 00:59:59.250000|null");
        }
    }

    @Test
    void shouldRefuseADuplicateOrABadValueInsteadOfSkippingItWithAWarning() throws Exception {
        try (Warehouse w = warehouse(); Connection c = w.connection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE b");
                s.execute("CREATE TABLE b.t " + COLUMNS);
                s.execute("INSERT INTO b.t (k) VALUES ('a')");
            }
            c.setAutoCommit(false);
            List<String> cols = List.of("k", "doc");
            assertThat(w.bulkLoad().loadUnlessConflict(c, "b.t", cols, csv("\"z\",\"{}\"\n\"a\",\"{}\"\n")))
                    .as("a key already there").isFalse();
            assertThat(rows(c, "SELECT k FROM b.t ORDER BY k")).as("nothing of it inserted, the transaction usable")
                    .containsExactly("a");
            assertThatThrownBy(() -> w.bulkLoad().load(c, "b.t", cols, csv("\"y\",\"{}\"\n\"a\",\"{}\"\n")))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(w.errors().isUniqueViolation(e)).isTrue());
            c.rollback();
            assertThatThrownBy(() -> w.bulkLoad().loadUnlessConflict(c, "b.t", cols, csv("\"x\",\"{not json\"\n")))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(w.errors().isDataError(e)).isTrue();
                        assertThat(w.errors().isUniqueViolation(e)).isFalse();
                    });
            assertThat(rows(c, "SELECT k FROM b.t ORDER BY k")).containsExactly("a");
            c.rollback();
        }
    }

    @Test
    void shouldHoldALockAroundDdlThatCommitsUntilTheSectionEnds() throws Exception {
        try (Warehouse w = warehouse(); Connection ddl = w.connection(); Connection other = w.connection()) {
            ddl.setAutoCommit(false);
            other.setAutoCommit(false);
            var key = LockKeys.vault("ddl:dds");
            try (Locks.DdlLock lock = w.locks().lockAroundDdl(w, ddl, key); Statement s = ddl.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS d");
                s.execute("CREATE TABLE d.t (v int)");   // commits ddl's transaction
                assertThat(w.locks().tryLockForTransaction(other, key)).as("held across the DDL's commits").isFalse();
            }
            assertThat(w.locks().tryLockForTransaction(other, key)).as("released when the section ends").isTrue();
            other.rollback();
        }
    }

    @Test
    void shouldRestoreTheSessionAfterATaskAndTimeItOut() throws Exception {
        try (Warehouse w = warehouse(); Connection c = w.connection()) {
            c.setAutoCommit(false);
            w.settings().beginTask(c, Optional.of(Duration.ofMillis(300)));
            try (Statement s = c.createStatement()) {
                s.execute("SET time_zone = '+05:00'");   // a task's SQL may change the session
                assertThat(rows(c, "SELECT @@max_statement_time")).containsExactly("0.300000");
                assertThatThrownBy(() -> rows(c, "SELECT sum(a.seq * b.seq) FROM mysql.seq_1_to_100000 a, mysql.seq_1_to_100000 b"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(w.errors().isTimeout(e)).as(e.getMessage()).isTrue());
            }
            c.rollback();
            w.settings().endTask(c);
            assertThat(rows(c, "SELECT @@time_zone, @@max_statement_time")).containsExactly("+00:00|0.000000");
        }
    }
}
