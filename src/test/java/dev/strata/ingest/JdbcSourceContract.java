package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.testing.SourceDatabase;
import dev.strata.testing.WarehouseUnderTest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a {@code jdbc} source must do on every warehouse, from every kind of source database
 * (PostgreSQL and MariaDB here): snapshots equal to the source, exact types, schema drift.
 * A subclass names the warehouse ({@link #warehouse()}); {@code PostgresJdbcSourceIT} is the
 * PostgreSQL one, and the MariaDB warehouse adds its own with one method.
 */
abstract class JdbcSourceContract {
    static final LocalDate D1 = LocalDate.parse("2024-12-30");
    static final LocalDate D2 = LocalDate.parse("2024-12-31");

    /** The warehouse under test. */
    protected abstract WarehouseUnderTest warehouse();

    static Stream<Arguments> sources() {
        return Stream.of(Arguments.of(SourceDatabase.Kind.POSTGRES), Arguments.of(SourceDatabase.Kind.MARIADB));
    }

    static SourceDatabase database(SourceDatabase.Kind kind) {
        return kind == SourceDatabase.Kind.POSTGRES ? SourceDatabase.postgres() : SourceDatabase.mariadb();
    }

    JdbcFixture fixture(SourceDatabase.Kind kind) {
        return new JdbcFixture(warehouse(), database(kind));
    }

    static void createOrders(SourceDatabase db, int rows, long seed) throws Exception {
        db.exec(db.ddl("CREATE TABLE orders (order_id integer PRIMARY KEY, user_id integer NOT NULL, "
                        + "order_date timestamp NOT NULL, total_amount numeric(10,2), status varchar(20), "
                        + "delivery_date timestamp, note text, paid boolean, due date)",
                "CREATE TABLE orders (order_id INT PRIMARY KEY, user_id INT NOT NULL, order_date DATETIME(6) NOT NULL, "
                        + "total_amount DECIMAL(10,2), status VARCHAR(20), delivery_date DATETIME(6), note TEXT, "
                        + "paid BOOLEAN, due DATE)"));
        Random r = new Random(seed);
        String[] notes = {"plain", "with \"quotes\"", "a, comma", "two\nlines", "ümlaut €uro 😀", "", null, "back\\slash", "\\."};
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                LocalDateTime base = LocalDateTime.parse("2024-01-01T00:00:00");
                for (int i = 1; i <= rows; i++) {
                    LocalDateTime at = base.plusSeconds(r.nextInt(31_536_000)).plusNanos(r.nextInt(1_000_000) * 1000L);
                    ps.setInt(1, i);
                    ps.setInt(2, 1 + r.nextInt(5000));
                    ps.setTimestamp(3, Timestamp.valueOf(at));
                    ps.setBigDecimal(4, i % 97 == 0 ? null : BigDecimal.valueOf(5000 + r.nextInt(45_000), 2));
                    ps.setString(5, r.nextBoolean() ? "Pending" : "Completed");
                    ps.setTimestamp(6, i % 11 == 0 ? null : Timestamp.valueOf(at.plusDays(1 + r.nextInt(10))));
                    ps.setString(7, notes[r.nextInt(notes.length)]);
                    if (i % 13 == 0) {
                        ps.setNull(8, java.sql.Types.BOOLEAN);
                    } else {
                        ps.setBoolean(8, r.nextBoolean());
                    }
                    ps.setObject(9, at.toLocalDate().plusDays(30));
                    ps.addBatch();
                    if (i % 5000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    static final String ORDER_COLUMNS = "order_id, user_id, order_date, total_amount, status, delivery_date, note, paid, due";

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldLandASnapshotOf100000RowsEqualToTheSourceByChecksumAndReplaceItWhenTheDateRunsAgain(SourceDatabase.Kind kind)
            throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createOrders(f.source, 100_000, 3);
            JdbcLanding landing = f.landing("pg_orders", "table: orders\nmode: snapshot");
            assertThat(f.snapshot(landing, D1)).isEqualTo(100_000);
            String expected = f.sourceChecksum("SELECT " + ORDER_COLUMNS + " FROM orders ORDER BY order_id");
            String stg = "SELECT " + ORDER_COLUMNS + " FROM stg.pg_orders WHERE _snapshot_date = DATE '%s' ORDER BY order_id";
            assertThat(f.warehouseChecksum(stg.formatted(D1))).isEqualTo(expected);

            // the same date again: replaced, not doubled; another date: a second copy beside it
            f.source.exec("UPDATE orders SET status = 'Cancelled' WHERE order_id <= 10");
            assertThat(f.snapshot(landing, D1)).isEqualTo(100_000);
            assertThat(f.snapshot(landing, D2)).isEqualTo(100_000);
            String changed = f.sourceChecksum("SELECT " + ORDER_COLUMNS + " FROM orders ORDER BY order_id");
            assertThat(changed).isNotEqualTo(expected);
            assertThat(f.warehouseChecksum(stg.formatted(D1))).isEqualTo(changed);
            assertThat(f.warehouseChecksum(stg.formatted(D2))).isEqualTo(changed);
            assertThat(f.count("SELECT count(*) FROM stg.pg_orders")).isEqualTo(200_000);
            assertThat(f.count("SELECT count(DISTINCT _seq) FROM stg.pg_orders")).isEqualTo(200_000);
            assertThat(f.count("SELECT count(*) FROM strata.landing_batches WHERE source = 'pg_orders'")).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldKeepOnlyTheNewestSnapshotDatesWithKeep(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createOrders(f.source, 100, 5);
            JdbcLanding landing = f.landing("orders", "table: orders\nmode: snapshot\nkeep: 2");
            for (int day = 0; day < 4; day++) {
                f.snapshot(landing, D1.plusDays(day));
            }
            assertThat(f.count("SELECT count(DISTINCT _snapshot_date) FROM stg.orders")).isEqualTo(2);
            assertThat(f.count("SELECT count(*) FROM stg.orders WHERE _snapshot_date >= DATE '" + D1.plusDays(2) + "'"))
                    .isEqualTo(200);
        }
    }
}
