package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (a) Bulk loading STG rows into MariaDB: {@code LOAD DATA LOCAL INFILE} from an InputStream with
 * Connector/J 3.x ({@code org.mariadb.jdbc.Statement#setLocalInfileInputStream}, with
 * {@code allowLocalInfile=true}) against batched INSERTs, what happens inside a transaction that
 * rolls back, and what happens on a duplicate unique key. Findings in docs/warehouses.md, "MariaDB
 * behaviours Strata relies on". {@code -Dstrata.mariadb.bulkRows=1000000} measures a million rows
 * (default: 20,000, to stay fast); the rows/s of every path are printed.
 */
class MariaDbBulkLoadIT {
    private static final String DB = "bulk_it";
    private static final String STG = "CREATE TABLE " + DB + ".%s (_seq BIGINT PRIMARY KEY, _key VARCHAR(255), _payload JSON NOT NULL,"
            + " _partition VARCHAR(255) NOT NULL, _offset BIGINT NOT NULL, _event_time DATETIME(6), _source_time DATETIME(6),"
            + " _headers JSON, _loaded_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6), _batch_id BIGINT NOT NULL,"
            + " UNIQUE KEY %s_key (_key)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";
    private static final String COLUMNS = "_seq, _key, _payload, _partition, _offset, _event_time, _source_time, _headers, _batch_id";
    /**
     * The CSV dialect: RFC 4180 quoting (doubled quotes, no backslash escapes) and NULL as the bare
     * word NULL (MariaDB reads an unquoted empty field as an empty string, not as NULL).
     */
    private static final String CSV = " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY ''"
            + " LINES TERMINATED BY '\\n' (" + COLUMNS + ")";

    @BeforeEach
    void freshDatabase() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            try (Statement s = c.createStatement()) {
                s.execute(String.format(STG, "stg", "stg"));
            }
        }
    }

    private static Connection connect() throws SQLException {
        // useAffectedRows: an ON DUPLICATE KEY UPDATE that changes nothing counts 0, not 1 (see below)
        return SharedMariaDb.connect("allowLocalInfile", "true", "useAffectedRows", "true");
    }

    /** Runs LOAD DATA LOCAL INFILE on {@code csv}; returns the rows it reports as loaded. */
    static long loadData(Connection c, String sql, InputStream csv) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(csv);
            return s.executeLargeUpdate(sql);
        }
    }

    private static String load(String table, String modifier) {
        return "LOAD DATA LOCAL INFILE 'stg.csv' " + modifier + " INTO TABLE " + DB + "." + table + CSV;
    }

    private static InputStream csv(String... lines) {
        return new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static long count(Connection c, String where) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + DB + ".stg " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Integer> warningCodes(Statement s) throws SQLException {
        List<Integer> codes = new ArrayList<>();
        for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
            codes.add(w.getErrorCode());
        }
        return codes;
    }

    @Test
    void shouldRollBackALoadDataWithItsTransaction() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            assertThat(loadData(c, load("stg", ""), csv("1,\"a\",\"{}\",\"0\",0,NULL,NULL,NULL,1",
                    "2,\"b\",\"{}\",\"0\",1,NULL,NULL,NULL,1"))).isEqualTo(2);
            assertThat(count(c, "")).isEqualTo(2);
            c.rollback();
            assertThat(count(c, "")).as("InnoDB rolls LOAD DATA back like any insert").isZero();
        }
    }

    @Test
    void shouldReadTheBareWordNullAsNullAndQuotedTextAsText() throws Exception {
        try (Connection c = connect()) {
            loadData(c, load("stg", ""), csv(
                    "1,NULL,\"{\"\"say\"\": \"\"a,b\\\"\"\"\", \"\"\u00e9\"\": 1}\",\"0\",0,NULL,\"2024-02-29 23:59:59.123456\",NULL,1",
                    "2,\"NULL\",\"[]\",\"\",1,NULL,NULL,\"{}\",1"));
            assertThat(count(c, "")).as("both rows loaded (a malformed one would vanish with a mere warning)").isEqualTo(2);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT _key, _payload, _partition, _source_time, _headers FROM " + DB + ".stg ORDER BY _seq")) {
                rs.next();
                assertThat(rs.getString(1)).isNull();
                assertThat(rs.getString(2)).isEqualTo("{\"say\": \"a,b\\\"\", \"\u00e9\": 1}");
                assertThat(rs.getString(4)).isEqualTo("2024-02-29 23:59:59.123456");
                assertThat(rs.getString(5)).isNull();
                rs.next();
                assertThat(rs.getString(1)).as("quoted, the word is text").isEqualTo("NULL");
                assertThat(rs.getString(3)).as("a quoted empty field is an empty string").isEmpty();
                assertThat(rs.getString(5)).isEqualTo("{}");
            }
        }
    }

    @Test
    void shouldSkipDuplicateKeysOfALocalLoadAsWarningsInsteadOfFailing() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            loadData(c, load("stg", ""), csv("1,\"a\",\"{}\",\"0\",0,NULL,NULL,NULL,1"));
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(csv(
                    "2,\"a\",\"{}\",\"0\",1,NULL,NULL,NULL,2",       // already landed
                    "3,\"c\",\"{}\",\"0\",2,NULL,NULL,NULL,2",
                    "4,\"c\",\"{}\",\"0\",3,NULL,NULL,NULL,2"));     // twice in the same file
            // LOCAL implies IGNORE: the server cannot stop the client's stream, so a duplicate is a
            // warning (1062) and the row is skipped; the first occurrence wins
            assertThat(s.executeUpdate(load("stg", ""))).isEqualTo(1);
            assertThat(warningCodes(s)).containsExactly(1062, 1062);
            assertThat(count(c, "WHERE _key = 'c'")).isEqualTo(1);
            assertThat(count(c, "WHERE _seq = 3")).isEqualTo(1);
            // REPLACE instead deletes the old row and counts 2 for it
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(csv("5,\"a\",\"{\"\"v\"\": 2}\",\"0\",4,NULL,NULL,NULL,3"));
            assertThat(s.executeUpdate(load("stg", "REPLACE"))).isEqualTo(2);
            assertThat(count(c, "WHERE _key = 'a' AND _seq = 5")).isEqualTo(1);
        }
    }

    @Test
    void shouldDropOrAlterBadValuesOfALocalLoadWithOnlyAWarning() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(csv(
                    "1,\"a\",\"{not json\",\"0\",0,NULL,NULL,NULL,1",
                    "2,\"b\",\"{}\",\"0\",1,\"not a time\",NULL,NULL,1"));
            // strict mode does not apply: the row with invalid JSON is dropped (CHECK, 4025), the
            // invalid timestamp becomes 0000-00-00 (1265 data truncated); the load "succeeds"
            assertThat(s.executeUpdate(load("stg", ""))).isEqualTo(1);
            assertThat(warningCodes(s)).containsExactly(4025, 1265);
            try (ResultSet rs = s.executeQuery("SELECT _seq, CAST(_event_time AS CHAR) FROM " + DB + ".stg")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
                assertThat(rs.getString(2)).isEqualTo("0000-00-00 00:00:00.000000");
            }
        }
    }

    @Test
    void shouldCountOnlyInsertedRowsOfAnInsertSelectThatSkipsDuplicates() throws Exception {
        try (Connection found = SharedMariaDb.connect(); Connection affected = connect()) {
            for (Connection c : List.of(found, affected)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMPORARY TABLE " + DB + ".scratch (_key LONGTEXT, _payload LONGTEXT, _partition LONGTEXT, _offset BIGINT)");
                    s.execute("INSERT INTO " + DB + ".scratch VALUES ('a', '{}', '0', 1), ('z', '{}', '0', 2), ('z', '{}', '0', 3), ('y', '{}', '0', 4)");
                }
            }
            try (Statement s = affected.createStatement()) {
                s.execute("INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (100, 'a', '{}', '0', 0, 1)");
                s.execute("CREATE SEQUENCE " + DB + ".stg_seq START WITH 1 NOCACHE");
            }
            String insert = "INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id)"
                    + " SELECT NEXTVAL(" + DB + ".stg_seq), _key, _payload, _partition, _offset, 2 FROM " + DB + ".scratch"
                    // a no-op, "skip this row"; the target's column must be qualified (the SELECT has one of the same name)
                    + " ON DUPLICATE KEY UPDATE " + DB + ".stg._seq = " + DB + ".stg._seq";
            try (Statement s = affected.createStatement()) {
                assertThat(s.executeUpdate(insert)).as("with useAffectedRows: rows inserted").isEqualTo(2);
                try (ResultSet rs = s.executeQuery("SELECT ROW_COUNT()")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                }
            }
            try (Statement s = found.createStatement()) {
                // Connector/J's default (CLIENT_FOUND_ROWS) counts the skipped duplicates as well
                assertThat(s.executeUpdate(insert)).as("by default: rows found").isEqualTo(4);
            }
            assertThat(count(affected, "WHERE _batch_id = 2")).isEqualTo(2);
            assertThat(count(affected, "WHERE _key = 'z' AND _offset = 2")).as("the first of two in one statement wins").isEqualTo(1);
        }
    }

    @Test
    void shouldKeepDataErrorsAsErrorsWithOnDuplicateKeyButHideThemWithInsertIgnore() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String values = " (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (1, 'a', '{oops', '0', 0, 1)";
            assertThat(s.executeUpdate("INSERT IGNORE INTO " + DB + ".stg" + values)).isZero();
            assertThat(warningCodes(s)).containsExactly(4025);
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO " + DB + ".stg" + values + " ON DUPLICATE KEY UPDATE _seq = _seq"))
                    .isInstanceOf(SQLIntegrityConstraintViolationException.class).hasMessageContaining("CONSTRAINT");
        }
    }

    @Test
    void shouldFailAPlainInsertOnADuplicateAtomicallyAndKeepTheTransaction() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (1, 'a', '{}', '0', 0, 1)");
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id)"
                        + " VALUES (2, 'b', '{}', '0', 1, 2), (3, 'a', '{}', '0', 2, 2), (4, 'd', '{}', '0', 3, 2)"))
                        .isInstanceOf(SQLIntegrityConstraintViolationException.class).hasMessageContaining("Duplicate entry 'a'");
            }
            // InnoDB rolled back the failed statement only: its first row is gone, the earlier insert stays
            assertThat(count(c, "")).isEqualTo(1);
            c.commit();
            assertThat(count(c, "WHERE _key = 'a'")).isEqualTo(1);
        }
    }

    @Test
    void shouldFailABulkBatchAsAWholeOrSkipAndCountDuplicatesPerRow() throws Exception {
        String insert = "INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (?, ?, '{}', '0', ?, 1)";
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (100, 'k3', '{}', '0', 0, 0)");
            }
            // Connector/J 3.5's default for a batch of INSERTs: one COM_STMT_BULK_EXECUTE
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                addKeys(ps);
                assertThatThrownBy(ps::executeBatch).isInstanceOf(java.sql.BatchUpdateException.class)
                        .hasMessageContaining("Duplicate entry 'k3'");
            }
            assertThat(count(c, "")).as("the whole batch failed: none of its rows is there").isEqualTo(1);
            try (PreparedStatement ps = c.prepareStatement(insert + " ON DUPLICATE KEY UPDATE " + DB + ".stg._seq = " + DB + ".stg._seq")) {
                addKeys(ps);
                assertThat(ps.executeBatch()).as("per row: 1 inserted, 0 skipped (useAffectedRows)").containsExactly(1, 1, 0, 1, 1);
            }
            assertThat(count(c, "")).isEqualTo(5);
            c.rollback();
        }
        // without the bulk protocol a batch goes on after the failing row: a partial batch
        try (Connection c = SharedMariaDb.connect("useBulkStmtsForInserts", "false")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + DB + ".stg (_seq, _key, _payload, _partition, _offset, _batch_id) VALUES (100, 'k3', '{}', '0', 0, 0)");
            }
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                addKeys(ps);
                assertThatThrownBy(ps::executeBatch).isInstanceOf(java.sql.BatchUpdateException.class);
            }
            assertThat(count(c, "")).as("rows before and after the duplicate landed").isEqualTo(5);
            c.rollback();
        }
    }

    private static void addKeys(PreparedStatement ps) throws SQLException {
        for (int i = 1; i <= 5; i++) {
            ps.setLong(1, i);
            ps.setString(2, "k" + i);
            ps.setLong(3, i);
            ps.addBatch();
        }
    }

    // ---- rows per second ----

    /** STG rows as the landing writes them: ~200-character JSON payloads over 4 partitions. */
    private static final class Rows {
        final int n;

        Rows(int n) {
            this.n = n;
        }

        String key(int i) {
            return "order-" + i;
        }

        String payload(int i) {
            return "{\"order_id\": \"order-" + i + "\", \"customer\": \"c-" + (i % 5000) + "\", \"amount\": " + (i % 977) + "." + (i % 100)
                    + ", \"currency\": \"EUR\", \"items\": [{\"sku\": \"s-" + (i % 300) + "\", \"qty\": " + (1 + i % 4)
                    + "}], \"status\": \"paid\", \"note\": \"caf\u00e9 \\\"quoted\\\"\"}";
        }

        Timestamp time(int i) {
            return new Timestamp(1_700_000_000_000L + i * 1000L);
        }

        /** The CSV of rows [from, to), generated as it is read (no million-row buffer). */
        InputStream csv(int from, int to, long firstSeq, long batch) {
            return new InputStream() {
                private int i = from;
                private byte[] line = new byte[0];
                private int pos;

                private boolean fill() {
                    if (pos < line.length) {
                        return true;
                    }
                    if (i >= to) {
                        return false;
                    }
                    String t = time(i).toString();
                    line = ((firstSeq + i - from) + ",\"" + key(i) + "\",\"" + payload(i).replace("\"", "\"\"") + "\",\"" + (i % 4)
                            + "\"," + i + ",\"" + t + "\",\"" + t + "\",NULL," + batch + "\n").getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                    i++;
                    return true;
                }

                @Override
                public int read() {
                    return fill() ? line[pos++] & 0xff : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (!fill()) {
                        return -1;
                    }
                    int total = 0;
                    while (total < len && fill()) {
                        int k = Math.min(len - total, line.length - pos);
                        System.arraycopy(line, pos, b, off + total, k);
                        pos += k;
                        total += k;
                    }
                    return total;
                }
            };
        }

        void bind(PreparedStatement ps, int i, long seq, long batch) throws SQLException {
            ps.setLong(1, seq);
            ps.setString(2, key(i));
            ps.setString(3, payload(i));
            ps.setString(4, Integer.toString(i % 4));
            ps.setLong(5, i);
            ps.setTimestamp(6, time(i));
            ps.setTimestamp(7, time(i));
            ps.setNull(8, Types.VARCHAR);
            ps.setLong(9, batch);
        }
    }

    private record Measured(String path, long rows, long loadMillis, long rollbackMillis) {
        @Override
        public String toString() {
            return String.format("%-72s %,9d rows %7.2f s %,9.0f rows/s  (rollback %.2f s)", path, rows, loadMillis / 1000.0,
                    rows * 1000.0 / Math.max(1, loadMillis), rollbackMillis / 1000.0);
        }
    }

    private interface Load {
        long run(Connection c) throws SQLException, IOException;
    }

    private static Measured measure(String path, Load load, String... props) throws Exception {
        String[] all = new String[props.length + 4];
        all[0] = "allowLocalInfile";
        all[1] = "true";
        all[2] = "useAffectedRows";
        all[3] = "true";
        System.arraycopy(props, 0, all, 4, props.length);
        try (Connection c = SharedMariaDb.connect(all)) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            long rows = load.run(c);
            long t1 = System.nanoTime();
            c.rollback();
            long t2 = System.nanoTime();
            return new Measured(path, rows, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        }
    }

    @Test
    void shouldLoadEveryRowOnEachBulkPathAndReportItsSpeed() throws Exception {
        int n = Integer.getInteger("strata.mariadb.bulkRows", 20_000);
        Rows rows = new Rows(n);
        try (Connection c = SharedMariaDb.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + DB + ".plain (_seq BIGINT, _key VARCHAR(255), _payload LONGTEXT, _partition VARCHAR(255),"
                    + " _offset BIGINT, _event_time DATETIME(6), _source_time DATETIME(6), _headers LONGTEXT,"
                    + " _loaded_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6), _batch_id BIGINT) ENGINE=InnoDB");
        }
        int batch = 1000;
        String insert = "INSERT INTO " + DB + ".stg (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        List<Measured> results = new ArrayList<>();
        results.add(measure("LOAD DATA LOCAL, unindexed table without checks (baseline)",
                c -> loadData(c, load("plain", ""), rows.csv(0, n, 1, 1))));
        results.add(measure("LOAD DATA LOCAL into the STG table (PK, UNIQUE, JSON checks)",
                c -> loadData(c, load("stg", ""), rows.csv(0, n, 1, 1))));
        results.add(measure("LOAD DATA LOCAL into an all-text temp table + INSERT..SELECT ODKU",
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE TEMPORARY TABLE " + DB + ".scratch (_seq BIGINT, _key LONGTEXT, _payload LONGTEXT,"
                                + " _partition LONGTEXT, _offset BIGINT, _event_time LONGTEXT, _source_time LONGTEXT,"
                                + " _headers LONGTEXT, _batch_id BIGINT)");
                        loadData(c, load("scratch", ""), rows.csv(0, n, 1, 1));
                        long landed = s.executeLargeUpdate("INSERT INTO " + DB + ".stg (" + COLUMNS + ") SELECT " + COLUMNS
                                + " FROM " + DB + ".scratch ON DUPLICATE KEY UPDATE " + DB + ".stg._seq = " + DB + ".stg._seq");
                        s.execute("DROP TEMPORARY TABLE " + DB + ".scratch");
                        return landed;
                    }
                }));
        Load batched = c -> {
            long total = 0;
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (int i = 0; i < n; i++) {
                    rows.bind(ps, i, i + 1, 1);
                    ps.addBatch();
                    if ((i + 1) % batch == 0 || i == n - 1) {
                        for (long k : ps.executeLargeBatch()) {
                            total += k == Statement.SUCCESS_NO_INFO ? 1 : k;
                        }
                    }
                }
            }
            return total;
        };
        results.add(measure("PreparedStatement batch of 1000, bulk protocol (3.5 default)", batched));
        results.add(measure("PreparedStatement batch of 1000, bulk protocol, ON DUPLICATE KEY no-op",
                c -> {
                    long total = 0;
                    try (PreparedStatement ps = c.prepareStatement(insert + " ON DUPLICATE KEY UPDATE " + DB + ".stg._seq = " + DB + ".stg._seq")) {
                        for (int i = 0; i < n; i++) {
                            rows.bind(ps, i, i + 1, 1);
                            ps.addBatch();
                            if ((i + 1) % batch == 0 || i == n - 1) {
                                for (long k : ps.executeLargeBatch()) {
                                    total += k;
                                }
                            }
                        }
                    }
                    return total;
                }));
        results.add(measure("PreparedStatement batch of 1000, rewriteBatchedStatements=true", batched,
                "rewriteBatchedStatements", "true", "useBulkStmtsForInserts", "false"));
        results.add(measure("multi-row INSERT .. VALUES x500 .. ON DUPLICATE KEY UPDATE no-op",
                c -> {
                    int per = 500;
                    StringBuilder sql = new StringBuilder("INSERT INTO " + DB + ".stg (" + COLUMNS + ") VALUES ");
                    for (int r = 0; r < per; r++) {
                        sql.append(r == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    }
                    sql.append(" ON DUPLICATE KEY UPDATE _seq = _seq");
                    long total = 0;
                    try (PreparedStatement full = c.prepareStatement(sql.toString())) {
                        int i = 0;
                        for (; i + per <= n; i += per) {
                            for (int r = 0; r < per; r++) {
                                bindAt(full, r * 9, rows, i + r);
                            }
                            total += full.executeLargeUpdate();
                        }
                        try (PreparedStatement rest = c.prepareStatement(insert + " ON DUPLICATE KEY UPDATE _seq = _seq")) {
                            for (; i < n; i++) {
                                rows.bind(rest, i, i + 1, 1);
                                total += rest.executeLargeUpdate();
                            }
                        }
                    }
                    return total;
                }));
        System.out.println("MariaDB bulk load of " + n + " STG rows (" + SharedMariaDb.server().serverVersion()
                + ", fast mode, one connection, in a transaction rolled back afterwards):");
        results.forEach(System.out::println);
        for (Measured m : results) {
            assertThat(m.rows()).as(m.path()).isEqualTo(n);
        }
        try (Connection c = SharedMariaDb.connect()) {
            assertThat(count(c, "")).as("every load was rolled back").isZero();
        }
    }

    private static void bindAt(PreparedStatement ps, int offset, Rows rows, int i) throws SQLException {
        ps.setLong(offset + 1, i + 1);
        ps.setString(offset + 2, rows.key(i));
        ps.setString(offset + 3, rows.payload(i));
        ps.setString(offset + 4, Integer.toString(i % 4));
        ps.setLong(offset + 5, i);
        ps.setTimestamp(offset + 6, rows.time(i));
        ps.setTimestamp(offset + 7, rows.time(i));
        ps.setNull(offset + 8, Types.VARCHAR);
        ps.setLong(offset + 9, 1);
    }
}
