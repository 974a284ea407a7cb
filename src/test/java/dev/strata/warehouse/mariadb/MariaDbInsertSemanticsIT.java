package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static dev.strata.warehouse.mariadb.Sessions.longValue;
import static dev.strata.warehouse.mariadb.Sessions.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (h) What replaces PostgreSQL's data-modifying CTEs, ON CONFLICT, IS NOT DISTINCT FROM and
 * LATERAL on MariaDB 11.4: {@code INSERT … SELECT … RETURNING} and the update count for "rows
 * inserted", {@code ON DUPLICATE KEY UPDATE} for insert-if-absent and conditional upsert (its
 * assignments run left to right, each seeing the ones before), {@code <=>}, window functions,
 * and a correlated {@code ORDER BY … LIMIT 1} subquery for the satellite's latest-version probe.
 */
class MariaDbInsertSemanticsIT {
    private static final String DB = "ins_it";

    @BeforeEach
    void tables() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE TABLE " + DB + ".src (id INT, t DATETIME(6)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".src VALUES (1, '2024-01-01 10:00'), (2, '2024-01-01 23:59:59.999999'),"
                            + " (3, '2024-01-02 00:00'), (4, NULL)",
                    "CREATE TABLE " + DB + ".mart (id INT, t DATETIME(6)) ENGINE=InnoDB");
        }
    }

    @Test
    void shouldNotParseADataModifyingCteOrLateral() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            assertThatThrownBy(() -> exec(c, "WITH ins AS (INSERT INTO " + DB + ".mart SELECT * FROM " + DB + ".src RETURNING t)"
                    + " SELECT COUNT(*) FROM ins")).hasMessageContaining("syntax");
            assertThatThrownBy(() -> exec(c, "SELECT * FROM " + DB + ".src s LEFT JOIN LATERAL (SELECT 1 x) y ON TRUE"))
                    .hasMessageContaining("syntax");
        }
    }

    @Test
    void shouldCountRowsInsertedAndOutsideTheIntervalInOnePassWithReturning() throws Exception {
        Timestamp from = Timestamp.valueOf("2024-01-01 00:00:00");
        Timestamp to = Timestamp.valueOf("2024-01-02 00:00:00");
        try (Connection c = SharedMariaDb.connect()) {
            // insertCountingOutside: RETURNING streams the inserted rows' time column back, the
            // client counts; the rows are produced and written once, as with PostgreSQL's CTE
            long inserted = 0;
            long outside = 0;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("INSERT INTO " + DB + ".mart (id, t) SELECT id, t FROM " + DB + ".src RETURNING t")) {
                while (rs.next()) {
                    Timestamp t = rs.getTimestamp(1);
                    inserted++;
                    if (t == null || t.before(from) || !t.before(to)) {
                        outside++;
                    }
                }
            }
            assertThat(inserted).isEqualTo(4);
            assertThat(outside).isEqualTo(2);
            // the plain way: the update count (ROW_COUNT() in SQL) of INSERT … SELECT
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO " + DB + ".mart (id, t) SELECT id, t FROM " + DB + ".src WHERE id < 3")).isEqualTo(2);
            }
            assertThat(longValue(c, "SELECT ROW_COUNT()")).isEqualTo(2);
        }
    }

    @Test
    void shouldInsertIfAbsentWithANoOpUpdateAndFromDual() throws Exception {
        try (Connection c = SharedMariaDb.connect("useAffectedRows", "true")) {
            exec(c, "CREATE TABLE " + DB + ".hub (hk BINARY(16) PRIMARY KEY, bk VARCHAR(20)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".hub VALUES (UNHEX(MD5('a')), 'a')");
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("INSERT INTO " + DB + ".hub (hk, bk) VALUES (UNHEX(MD5('a')), 'a'), (UNHEX(MD5('b')), 'b')"
                        + " ON DUPLICATE KEY UPDATE " + DB + ".hub.hk = " + DB + ".hub.hk")).isEqualTo(1);
                // INSERT … SELECT … WHERE NOT EXISTS without a FROM needs FROM DUAL
                assertThat(s.executeUpdate("INSERT INTO " + DB + ".hub (hk, bk) SELECT UNHEX(MD5('c')), 'c' FROM DUAL"
                        + " WHERE NOT EXISTS (SELECT 1 FROM " + DB + ".hub WHERE hk = UNHEX(MD5('c')))")).isEqualTo(1);
                assertThat(s.executeUpdate("INSERT INTO " + DB + ".hub (hk, bk) SELECT UNHEX(MD5('c')), 'c' FROM DUAL"
                        + " WHERE NOT EXISTS (SELECT 1 FROM " + DB + ".hub WHERE hk = UNHEX(MD5('c')))")).isZero();
            }
        }
    }

    @Test
    void shouldUpsertOnConditionOnlyWhenTheConditionColumnIsAssignedLast() throws Exception {
        try (Connection c = SharedMariaDb.connect("useAffectedRows", "true")) {
            exec(c, "CREATE TABLE " + DB + ".seen (sat VARCHAR(20), hk INT, seen_dt DATETIME(6), note VARCHAR(10), PRIMARY KEY (sat, hk))",
                    "INSERT INTO " + DB + ".seen VALUES ('s', 1, '2024-01-01', 'old')");
            // PostgreSQL: ON CONFLICT DO UPDATE SET seen_dt = excluded.seen_dt, note = excluded.note WHERE seen.seen_dt < excluded.seen_dt
            String wrongOrder = "INSERT INTO " + DB + ".seen VALUES ('s', 1, '2024-02-01', 'new') ON DUPLICATE KEY UPDATE"
                    + " seen_dt = IF(seen_dt < VALUES(seen_dt), VALUES(seen_dt), seen_dt),"
                    + " note = IF(seen_dt < VALUES(seen_dt), VALUES(note), note)";
            exec(c, wrongOrder);
            assertThat(string(c, "SELECT note FROM " + DB + ".seen")).as("the second IF saw the new seen_dt").isEqualTo("old");
            String rightOrder = "INSERT INTO " + DB + ".seen VALUES ('s', 1, '2024-03-01', 'newer') ON DUPLICATE KEY UPDATE"
                    + " note = IF(seen_dt < VALUES(seen_dt), VALUES(note), note),"
                    + " seen_dt = IF(seen_dt < VALUES(seen_dt), VALUES(seen_dt), seen_dt)";
            exec(c, rightOrder);
            assertThat(string(c, "SELECT CONCAT(note, ' ', CAST(seen_dt AS DATE)) FROM " + DB + ".seen")).isEqualTo("newer 2024-03-01");
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate(rightOrder.replace("2024-03-01", "2023-01-01"))).as("older: nothing changes, 0 rows").isZero();
            }
        }
    }

    @Test
    void shouldCompareNullsWithTheNullSafeOperator() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            assertThat(longValue(c, "SELECT (NULL <=> NULL) + 2 * (1 <=> NULL) + 4 * (1 <=> 1)")).isEqualTo(5);
            assertThatThrownBy(() -> longValue(c, "SELECT 1 IS NOT DISTINCT FROM 1")).hasMessageContaining("syntax");
        }
    }

    @Test
    void shouldFindTheLatestVersionPerParentWithoutLateral() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "CREATE TABLE " + DB + ".sat (hk INT, load_dt DATETIME(6), hd INT, PRIMARY KEY (hk, load_dt)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".sat VALUES (1, '2024-01-01', 10), (1, '2024-01-03', 11), (1, '2024-01-02', 12), (2, '2024-01-01', 20)",
                    "CREATE TABLE " + DB + ".batch (hk INT, load_dt DATETIME(6)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".batch VALUES (1, '2024-01-05'), (2, '2024-01-05'), (3, '2024-01-05')");
            // the correlated subquery walks the (hk, load_dt) primary key backwards: one probe per row
            String probe = "SELECT o.hk,"
                    + " (SELECT t.load_dt FROM " + DB + ".sat t WHERE t.hk = o.hk ORDER BY t.load_dt DESC LIMIT 1) AS cur_dt,"
                    + " (SELECT t.hd FROM " + DB + ".sat t WHERE t.hk = o.hk ORDER BY t.load_dt DESC LIMIT 1) AS cur_hd"
                    + " FROM " + DB + ".batch o ORDER BY o.hk";
            List<String> rows = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(probe)) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
            assertThat(rows).containsExactly("1:2024-01-03 00:00:00.000000:11", "2:2024-01-01 00:00:00.000000:20", "3:null:null");
            // the same from a window over the satellite, joined once (one pass instead of probes)
            List<String> windowed = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT o.hk, cur.hd FROM " + DB + ".batch o LEFT JOIN ("
                    + " SELECT hk, hd, ROW_NUMBER() OVER (PARTITION BY hk ORDER BY load_dt DESC) AS rn FROM " + DB + ".sat) cur"
                    + " ON cur.hk = o.hk AND cur.rn = 1 ORDER BY o.hk")) {
                while (rs.next()) {
                    windowed.add(rs.getInt(1) + ":" + rs.getString(2));
                }
            }
            assertThat(windowed).containsExactly("1:11", "2:20", "3:null");
            // lag/lead, as the satellite load uses them
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT hd, LAG(hd) OVER w, LEAD(load_dt) OVER w IS NULL"
                    + " FROM " + DB + ".sat WHERE hk = 1 WINDOW w AS (PARTITION BY hk ORDER BY load_dt) ORDER BY load_dt")) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getInt(1) + "/" + rs.getString(2) + "/" + rs.getBoolean(3));
                }
                assertThat(out).containsExactly("10/null/false", "12/10/false", "11/12/true");
            }
        }
    }

    @Test
    void shouldReturnRowsFromAPreparedInsertSelectWithReturning() throws Exception {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + DB + ".mart (id, t) SELECT id, t FROM " + DB + ".src WHERE id = ? RETURNING id")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("RETURNING also works as a prepared statement").isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }
}
