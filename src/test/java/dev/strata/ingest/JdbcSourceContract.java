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

    /** The portable type each column of the {@code kinds} table lands as, by source database. */
    static Map<String, String> expectedTypes(SourceDatabase.Kind kind) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("id", "integer");
        m.put("b", "boolean");
        m.put("s", "smallint");
        m.put("i", "integer");
        m.put("l", "bigint");
        m.put("d", "decimal(12,4)");
        m.put("du", kind == SourceDatabase.Kind.POSTGRES ? "decimal" : "decimal(65,30)");
        m.put("f", "double");
        m.put("db", "double");
        m.put("v", "varchar(10)");
        m.put("ch", "varchar(3)");
        m.put("t", "text");
        m.put("dt", "date");
        m.put("ts", "timestamp");
        m.put("tz", kind == SourceDatabase.Kind.POSTGRES ? "timestamptz" : "timestamp");
        m.put("j", "json");
        m.put("by", "bytes");
        m.put("u", "varchar(36)");
        if (kind == SourceDatabase.Kind.MARIADB) {
            m.put("ti", "smallint");
            m.put("iu", "bigint");
            m.put("lu", "decimal(20,0)");
        }
        return m;
    }

    static void createKinds(SourceDatabase db) throws Exception {
        db.exec(db.ddl("CREATE TABLE kinds (id integer PRIMARY KEY, b boolean, s smallint, i integer, l bigint, "
                        + "d numeric(12,4), du numeric, f real, db double precision, v varchar(10), ch char(3), t text, "
                        + "dt date, ts timestamp(6), tz timestamptz, j jsonb, by bytea, u uuid)",
                "CREATE TABLE kinds (id INT PRIMARY KEY, b BOOLEAN, s SMALLINT, i INT, l BIGINT, d DECIMAL(12,4), "
                        + "du DECIMAL(65,30), f FLOAT, db DOUBLE, v VARCHAR(10), ch CHAR(3), t TEXT, dt DATE, ts DATETIME(6), "
                        + "tz TIMESTAMP(6) NULL, j JSON, `by` BLOB, u CHAR(36), ti TINYINT, iu INT UNSIGNED, lu BIGINT UNSIGNED)"));
        String big = db.kind() == SourceDatabase.Kind.POSTGRES ? "12345678901234567890.123456789" : "12345678901234567890.123456789000000000000000000000";
        db.exec(db.ddl("INSERT INTO kinds VALUES (1, true, -32768, 2147483647, -9223372036854775808, -12345678.1234, "
                        + big + ", 1.1, 1.5e20, 'a,\"b\"''c', 'ab', E'two\\nlines ümlaut 😀', '2024-02-29', "
                        + "'2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.654321+02', '{\"k\": [1, 2.5, \"x\"], \"n\": null}', "
                        + "'\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')",
                "INSERT INTO kinds VALUES (1, true, -32768, 2147483647, -9223372036854775808, -12345678.1234, "
                        + big + ", 1.1, 1.5e20, 'a,\"b\"''c', 'ab', 'two\\nlines ümlaut 😀', '2024-02-29', "
                        + "'2024-02-29 23:59:59.123456', '2024-02-29 21:59:59.654321', '{\"k\": [1, 2.5, \"x\"], \"n\": null}', "
                        + "x'00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', -128, 4294967295, 18446744073709551615)"),
                "INSERT INTO kinds (id, t, v) VALUES (2, '', '')",
                "INSERT INTO kinds (id) VALUES (3)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldLandEveryTypeItMapsWithItsExactValue(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createKinds(f.source);
            JdbcLanding landing = f.landing("kinds", "table: kinds\nmode: snapshot");
            assertThat(f.snapshot(landing, D1)).isEqualTo(3);
            Map<String, String> expected = expectedTypes(kind);
            Map<String, String> stgTypes;
            try (Connection c = f.warehouse.connection()) {
                stgTypes = f.warehouse.catalog().columnTypes(c, "stg", "kinds");
            }
            Map<String, String> wanted = new java.util.LinkedHashMap<>();
            Map<String, String> landed = new java.util.LinkedHashMap<>();
            expected.forEach((col, type) -> {
                wanted.put(col, dev.strata.warehouse.SourceType.parse(type).sqlType(f.warehouse.sql()));
                landed.put(col, stgTypes.get(col));
            });
            assertThat(landed).as("STG column types").isEqualTo(wanted);

            List<String> columns = new ArrayList<>(expected.keySet());
            String select = "SELECT " + String.join(", ", columns.stream().map(c -> c.equals("by") ? f.source.ddl("\"by\"", "`by`") : c).toList())
                    + " FROM kinds ORDER BY id";
            List<List<Object>> fromSource = rows(f.source.connect(), select);
            List<List<Object>> fromStg = rows(f.warehouse.connection(), "SELECT " + String.join(", ", columns.stream()
                    .map(f.warehouse.sql()::quote).toList()) + " FROM stg.kinds WHERE _snapshot_date = DATE '" + D1 + "' ORDER BY id");
            assertThat(fromStg).hasSameSizeAs(fromSource);
            for (int r = 0; r < fromSource.size(); r++) {
                for (int i = 0; i < columns.size(); i++) {
                    assertThat(normalized(columns.get(i), fromStg.get(r).get(i)))
                            .as("row %d column %s", r + 1, columns.get(i))
                            .isEqualTo(normalized(columns.get(i), fromSource.get(r).get(i)));
                }
            }
            // an empty string stays an empty string, not NULL
            assertThat(fromStg.get(1).get(columns.indexOf("t"))).isEqualTo("");
            assertThat(fromStg.get(2).get(columns.indexOf("t"))).isNull();
        }
    }

    /** Values as a user compares them: numbers by value with their scale, times by instant, JSON by content. */
    private static Object normalized(String column, Object v) throws Exception {
        if (v == null) {
            return null;
        }
        if (column.equals("j")) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(v.toString());
        }
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.toString();
        }
        if (v instanceof Number n && (v instanceof Float || v instanceof Double)) {
            return Double.parseDouble(v.toString());   // a real lands as the double of its text (1.1, not 1.100000023841858)
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof java.sql.Blob b) {
            return java.util.HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
        }
        if (v instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return v.toString();
    }

    private static List<List<Object>> rows(Connection c, String sql) throws Exception {
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String type = rs.getMetaData().getColumnTypeName(i).toLowerCase(java.util.Locale.ROOT);
                    Object v = type.equals("timestamptz") ? rs.getObject(i, java.time.OffsetDateTime.class)
                            : type.startsWith("timestamp") || type.startsWith("datetime") ? rs.getObject(i, LocalDateTime.class)
                            : rs.getObject(i);
                    row.add(v);
                }
                out.add(row);
            }
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldRefuseAColumnTypeItCannotLandNamingTheSourceTheColumnAndTheType(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            f.source.exec(f.source.ddl("CREATE TABLE odd (id integer, span interval, tags int[])",
                    "CREATE TABLE odd (id INT, span TIME, tags BIT(8))"));
            JdbcLanding landing = f.landing("odd_things", "table: odd\nmode: snapshot");
            assertThatThrownBy(() -> f.snapshot(landing, D1))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("source 'odd_things' (strata.yaml:3:")
                    .hasMessageContaining("column 'span' has type " + f.source.ddl("interval", "TIME"))
                    .hasMessageContaining("column 'tags' has type " + f.source.ddl("_int4", "BIT"))
                    .hasMessageContaining("cast it in a query:");
            assertThat(f.count("SELECT count(*) FROM strata.source_schemas")).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldAddAColumnAddedInTheSourceAndReportIt(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createOrders(f.source, 100, 7);
            JdbcLanding landing = f.landing("orders", "table: orders\nmode: snapshot");
            f.snapshot(landing, D1);
            f.source.exec("ALTER TABLE orders ADD COLUMN coupon varchar(20)", "UPDATE orders SET coupon = 'X' WHERE order_id <= 10");
            assertThat(f.snapshot(landing, D2)).isEqualTo(100);
            assertThat(f.count("SELECT count(*) FROM stg.orders WHERE _snapshot_date = DATE '" + D2 + "' AND coupon = 'X'")).isEqualTo(10);
            assertThat(f.count("SELECT count(*) FROM stg.orders WHERE _snapshot_date = DATE '" + D1 + "' AND coupon IS NULL")).isEqualTo(100);
            assertThat(f.warehouseChecksum("SELECT " + ORDER_COLUMNS + ", coupon FROM stg.orders WHERE _snapshot_date = DATE '"
                    + D2 + "' ORDER BY order_id"))
                    .isEqualTo(f.sourceChecksum("SELECT " + ORDER_COLUMNS + ", coupon FROM orders ORDER BY order_id"));
            assertThat(changes(f)).containsExactly("coupon added applied");
            JdbcSourceStatus status = JdbcSourceStatus.read(f.warehouse, JdbcFixture.PIPELINE, f.sourceConfig("orders",
                    "table: orders\nmode: snapshot"));
            assertThat(status.describe()).as("what strata status prints")
                    .isEqualTo("snapshot, last snapshot " + D2 + " (100 rows), 200 rows in STG");
            assertThat(status.recentChanges()).extracting(JdbcSourceStatus.SchemaChange::describe).singleElement()
                    .asString().startsWith("added coupon (").doesNotContain("stopped");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldStopWhenAColumnIsDroppedInTheSourceAndKeepWhatItLanded(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createOrders(f.source, 100, 9);
            JdbcLanding landing = f.landing("orders", "table: orders\nmode: snapshot");
            f.snapshot(landing, D1);
            String before = f.warehouseChecksum("SELECT " + ORDER_COLUMNS + " FROM stg.orders ORDER BY order_id");
            f.source.exec("ALTER TABLE orders DROP COLUMN note");
            assertThatThrownBy(() -> f.snapshot(landing, D1))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("source 'orders' (strata.yaml:3:")
                    .hasMessageContaining("stopped: column 'note' (" + f.source.ddl("text", "TEXT") + ") is no longer in the source");
            assertThat(f.warehouseChecksum("SELECT " + ORDER_COLUMNS + " FROM stg.orders ORDER BY order_id"))
                    .as("the landed snapshot of the date is untouched").isEqualTo(before);
            assertThat(changes(f)).containsExactly("note dropped stopped");

            // dropped on purpose: dropped from STG too, the source goes on without it
            f.warehouse.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE stg.orders DROP COLUMN note");
                }
                return null;
            });
            assertThat(f.snapshot(landing, D2)).isEqualTo(100);
            assertThat(changes(f)).containsExactly("note dropped stopped", "note dropped applied");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldWidenAColumnThatWidenedAndStopOnATypeItsColumnCannotHold(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            createOrders(f.source, 100, 11);
            JdbcLanding landing = f.landing("orders", "table: orders\nmode: snapshot");
            f.snapshot(landing, D1);
            f.source.exec(f.source.ddl("ALTER TABLE orders ALTER COLUMN status TYPE varchar(50)", "ALTER TABLE orders MODIFY status VARCHAR(50)"),
                    "UPDATE orders SET status = 'Completed and delivered to the customer' WHERE order_id = 1");
            assertThat(f.snapshot(landing, D2)).isEqualTo(100);
            try (Connection c = f.warehouse.connection()) {
                assertThat(f.warehouse.catalog().columnTypes(c, "stg", "orders").get("status"))
                        .isEqualTo(dev.strata.warehouse.SourceType.varchar(50).sqlType(f.warehouse.sql()));
            }
            assertThat(f.count("SELECT count(*) FROM stg.orders WHERE status = 'Completed and delivered to the customer'")).isEqualTo(1);

            f.source.exec(f.source.ddl("ALTER TABLE orders ALTER COLUMN user_id TYPE text", "ALTER TABLE orders MODIFY user_id TEXT"));
            assertThatThrownBy(() -> f.snapshot(landing, D2))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("column 'user_id' changed type from " + f.source.ddl("int4", "INTEGER") + " to "
                            + f.source.ddl("text", "TEXT"));
            assertThat(f.count("SELECT count(*) FROM stg.orders WHERE _snapshot_date = DATE '" + D2 + "'")).isEqualTo(100);
            assertThat(changes(f)).containsExactly("status widened applied", "user_id type_changed stopped");
        }
    }

    private static List<String> changes(JdbcFixture f) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = f.warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT column_name, change_kind, applied FROM strata.source_schema_changes ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + (rs.getBoolean(3) ? "applied" : "stopped"));
            }
        }
        return out;
    }

    static final LocalDateTime T0 = LocalDateTime.parse("2024-06-01T00:00:00");

    /** The row versions a source table held at some point, as the test wrote them: (id, modify_date) → "name|loyalty". */
    static final class Versions {
        final Map<String, String> all = new java.util.TreeMap<>();

        void put(int id, LocalDateTime at, String name, String loyalty) {
            all.put(id + "@" + at, name + "|" + loyalty);
        }
    }

    static void upsertUser(SourceDatabase db, Versions v, boolean insert, int id, LocalDateTime at, String name, String loyalty)
            throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(insert
                ? "INSERT INTO users (name, loyalty, modify_date, user_id) VALUES (?, ?, ?, ?)"
                : "UPDATE users SET name = ?, loyalty = ?, modify_date = ? WHERE user_id = ?")) {
            ps.setString(1, name);
            ps.setString(2, loyalty);
            ps.setTimestamp(3, Timestamp.valueOf(at));
            ps.setInt(4, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        if (v != null) {
            v.put(id, at, name, loyalty);
        }
    }

    /** Every row version in STG, as (id, modify_date) → "name|loyalty"; a version landed twice fails. */
    static Map<String, String> landedVersions(JdbcFixture f) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (Connection c = f.warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, modify_date, name, loyalty FROM stg.users")) {
            while (rs.next()) {
                String key = rs.getInt(1) + "@" + rs.getTimestamp(2).toLocalDateTime();
                String previous = out.put(key, rs.getString(3) + "|" + rs.getString(4));
                assertThat(previous).as("version %s landed twice", key).isNull();
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldLandEveryRowVersionOnceAcrossUpdatesInsertsLateRowsAndTies(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            f.source.exec(f.source.ddl("CREATE TABLE users (user_id integer PRIMARY KEY, name varchar(100), loyalty varchar(10), "
                            + "modify_date timestamp(3) NOT NULL)",
                    "CREATE TABLE users (user_id INT PRIMARY KEY, name VARCHAR(100), loyalty VARCHAR(10), modify_date DATETIME(3) NOT NULL)"));
            Versions v = new Versions();
            try (Connection c = f.source.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO users VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 1000; i++) {
                    LocalDateTime at = T0.plusSeconds(i).plusNanos(i % 7 * 1_000_000L);
                    ps.setInt(1, i);
                    ps.setString(2, "user " + i);
                    ps.setString(3, "Bronze");
                    ps.setTimestamp(4, Timestamp.valueOf(at));
                    ps.addBatch();
                    v.put(i, at, "user " + i, "Bronze");
                }
                ps.executeBatch();
            }
            JdbcLanding landing = JdbcLanding.of(JdbcFixture.PIPELINE, f.sourceConfig("users",
                    "table: users\nmode: incremental\ncursor: modify_date\nlookback: 10m", "batch: { max_records: 100 }"));
            assertThat(landing.increment(f.warehouse, "w1")).isEqualTo(1000);
            LocalDateTime hwm = T0.plusSeconds(1000).plusNanos(1000 % 7 * 1_000_000L);
            assertThat(landing.highWaterMark(f.warehouse)).contains(hwm.toString());
            assertThat(landedVersions(f)).isEqualTo(v.all);

            // between runs: 100 updated, 50 inserted, one late row inside the lookback, one beyond it
            for (int i = 1; i <= 100; i++) {
                upsertUser(f.source, v, false, i, T0.plusSeconds(2000), "user " + i, "Gold");
            }
            for (int i = 1001; i <= 1050; i++) {
                upsertUser(f.source, v, true, i, T0.plusSeconds(2000 + i - 1001), "user " + i, "Silver");
            }
            LocalDateTime newHwm = T0.plusSeconds(2049);
            upsertUser(f.source, v, true, 5000, hwm.minusMinutes(5), "late, inside the lookback", "Gold");
            upsertUser(f.source, null, true, 5001, hwm.minusMinutes(30), "late, beyond the lookback", "Gold");
            assertThat(landing.increment(f.warehouse, "w1")).isEqualTo(151);
            assertThat(landing.highWaterMark(f.warehouse)).contains(newHwm.toString());
            assertThat(landedVersions(f)).isEqualTo(v.all);
            assertThat(f.count("SELECT sum(duplicates) FROM strata.landing_batches WHERE source = 'users'"))
                    .as("rows re-read inside the lookback and deduplicated by their row hash").isGreaterThan(500);

            assertThat(landing.increment(f.warehouse, "w1")).as("nothing new").isZero();
            assertThat(landedVersions(f)).isEqualTo(v.all);
            assertThat(f.count("SELECT count(*) FROM stg.users")).isEqualTo(v.all.size());
            assertThat(f.count("SELECT count(DISTINCT _key) FROM stg.users")).isEqualTo(v.all.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldLandARowThatTiesTheHighWaterMarkWhenItCommitsAfterTheRunEvenWithoutALookback(SourceDatabase.Kind kind)
            throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            f.source.exec(f.source.ddl("CREATE TABLE users (user_id integer PRIMARY KEY, name varchar(100), loyalty varchar(10), "
                            + "modify_date timestamp(0) NOT NULL)",
                    "CREATE TABLE users (user_id INT PRIMARY KEY, name VARCHAR(100), loyalty VARCHAR(10), modify_date DATETIME NOT NULL)"));
            Versions v = new Versions();
            for (int i = 1; i <= 5; i++) {
                upsertUser(f.source, v, true, i, T0, "user " + i, "Bronze");   // five rows stamped in the same second
            }
            JdbcLanding landing = JdbcLanding.of(JdbcFixture.PIPELINE, f.sourceConfig("users",
                    "table: users\nmode: incremental\ncursor: modify_date"));
            assertThat(landing.increment(f.warehouse, "w1")).isEqualTo(5);
            // a sixth transaction stamped the same second but committed after the run read
            upsertUser(f.source, v, true, 6, T0, "user 6", "Bronze");
            assertThat(landing.increment(f.warehouse, "w1")).isEqualTo(1);
            assertThat(landing.increment(f.warehouse, "w1")).isZero();
            assertThat(landedVersions(f)).isEqualTo(v.all);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void shouldLandNewRowsByANumericCursor(SourceDatabase.Kind kind) throws Exception {
        try (JdbcFixture f = fixture(kind)) {
            f.source.exec(f.source.ddl("CREATE TABLE events (id bigint PRIMARY KEY, kind varchar(20))",
                    "CREATE TABLE events (id BIGINT PRIMARY KEY, kind VARCHAR(20))"));
            StringBuilder values = new StringBuilder();
            for (int i = 1; i <= 300; i++) {
                values.append(i == 1 ? "" : ", ").append("(").append(i * 10).append(", 'k").append(i % 3).append("')");
            }
            f.source.exec("INSERT INTO events VALUES " + values);
            JdbcLanding landing = JdbcLanding.of(JdbcFixture.PIPELINE, f.sourceConfig("events",
                    "query: SELECT id, kind FROM events WHERE kind <> 'k0'\nmode: incremental\ncursor: id\nlookback: 25",
                    "batch: { max_records: 40 }"));
            assertThat(landing.increment(f.warehouse, "w1")).isEqualTo(200);
            f.source.exec("INSERT INTO events VALUES (2985, 'k1'), (3010, 'k2'), (3020, 'k0'), (2945, 'k1')");
            assertThat(landing.increment(f.warehouse, "w1")).as("2985 within the lookback of 25 below 2990, 3010 new; "
                    + "2945 beyond the lookback; 3020 not selected by the query").isEqualTo(2);
            assertThat(f.count("SELECT count(*) FROM stg.events")).isEqualTo(202);
            assertThat(f.count("SELECT count(*) FROM stg.events WHERE id = 2945")).isZero();
            assertThat(JdbcSourceStatus.read(f.warehouse, JdbcFixture.PIPELINE, f.sourceConfig("events",
                    "query: SELECT id, kind FROM events WHERE kind <> 'k0'\nmode: incremental\ncursor: id\nlookback: 25",
                    "batch: { max_records: 40 }")).describe()).as("what strata status prints")
                    .isEqualTo("incremental, cursor at 3010, 202 rows in STG");
        }
    }
}
