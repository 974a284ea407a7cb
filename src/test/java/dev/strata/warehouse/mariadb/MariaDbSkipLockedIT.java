package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (e) Claiming queue rows with {@code SELECT … FOR UPDATE SKIP LOCKED} (MariaDB 10.6+; here 11.4)
 * from two sessions, and what a locking read locks besides the queue's rows: MariaDB has no
 * {@code FOR UPDATE OF t}, so the rows of every table joined in the FROM clause are locked too
 * (those read until the LIMIT was reached); rows read by subqueries in WHERE are not. A claim
 * written with EXISTS / NOT EXISTS over its other tables therefore locks the queue row only,
 * which is what PostgreSQL's {@code FOR UPDATE OF t} gives.
 */
class MariaDbSkipLockedIT {
    private static final String DB = "skip_it";

    @BeforeEach
    void queue() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE TABLE " + DB + ".runs (id BIGINT PRIMARY KEY, node VARCHAR(64) NOT NULL, state VARCHAR(16) NOT NULL,"
                            + " KEY runs_state (state, id)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".runs VALUES (1, 'a', 'queued'), (2, 'b', 'queued'), (3, 'c', 'queued'), (4, 'd', 'queued')",
                    "CREATE TABLE " + DB + ".edges (node VARCHAR(64) NOT NULL, upstream VARCHAR(64) NOT NULL, PRIMARY KEY (node, upstream)) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".edges VALUES ('a', 'x'), ('b', 'x'), ('c', 'y'), ('d', 'y')");
        }
    }

    private static List<Long> ids(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static List<String> names(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static final String CLAIM = "SELECT id FROM " + DB + ".runs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";

    @Test
    void shouldLetTwoWorkersClaimDifferentRows() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            assertThat(ids(a, CLAIM)).containsExactly(1L);
            assertThat(ids(b, CLAIM)).as("row 1 is A's: B skips it").containsExactly(2L);
            exec(a, "UPDATE " + DB + ".runs SET state = 'running' WHERE id = 1");
            a.commit();
            assertThat(ids(a, CLAIM)).as("B still holds 2").containsExactly(3L);
            b.rollback();
            assertThat(ids(b, CLAIM)).as("B's rollback freed row 2").containsExactly(2L);
            a.rollback();
            b.rollback();
        }
    }

    @Test
    void shouldAlsoLockTheRowsOfJoinedTables() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            assertThat(ids(a, "SELECT r.id FROM " + DB + ".runs r JOIN " + DB + ".edges e ON e.node = r.node"
                    + " WHERE r.state = 'queued' AND e.upstream = 'x' ORDER BY r.id LIMIT 1 FOR UPDATE SKIP LOCKED")).containsExactly(1L);
            // the edge row A's claim read is locked too: another claim that needs it skips its run
            assertThat(names(b, "SELECT e.node FROM " + DB + ".edges e WHERE e.upstream = 'x' ORDER BY e.node FOR UPDATE SKIP LOCKED"))
                    .as("edge (a, x), which A's claim joined, is locked; (b, x) is not").containsExactly("b");
            a.rollback();
            b.rollback();
        }
    }

    @Test
    void shouldNotLockWhatASubqueryInTheWhereClauseReads() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            assertThat(ids(a, "SELECT r.id FROM " + DB + ".runs r WHERE r.state = 'queued'"
                    + " AND EXISTS (SELECT 1 FROM " + DB + ".edges e WHERE e.node = r.node AND e.upstream = 'x')"
                    + " AND NOT EXISTS (SELECT 1 FROM " + DB + ".runs u WHERE u.node = 'b' AND u.state <> 'queued')"
                    + " ORDER BY r.id LIMIT 1 FOR UPDATE SKIP LOCKED")).containsExactly(1L);
            assertThat(names(b, "SELECT e.node FROM " + DB + ".edges e WHERE e.upstream = 'x' ORDER BY e.node FOR UPDATE SKIP LOCKED"))
                    .as("rows a subquery read are not locked").containsExactly("a", "b");
            assertThat(names(b, "SELECT u.node FROM " + DB + ".runs u WHERE u.node = 'b' FOR UPDATE SKIP LOCKED"))
                    .as("nor the run the NOT EXISTS read").containsExactly("b");
            a.rollback();
            b.rollback();
        }
    }
}
