package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static dev.strata.warehouse.mariadb.Sessions.longValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * (c) DDL on MariaDB commits: any CREATE/ALTER/RENAME/DROP (except on TEMPORARY tables) first
 * commits the open transaction, then runs and commits on its own, so PostgreSQL's "fence lock,
 * build, swap and success in one transaction" cannot be had. What can be had: {@code RENAME TABLE
 * a TO a_old, b TO a} swaps atomically (readers see one table or the other, never none; it fails
 * as a whole), it waits for transactions that read the tables (metadata locks), and views name
 * their tables, so they read the new table after a swap.
 */
class MariaDbDdlIT {
    private static final String DB = "ddl_it";

    @BeforeEach
    void freshDatabase() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE TABLE " + DB + ".t (v INT) ENGINE=InnoDB",
                    "CREATE TABLE " + DB + ".a (v INT) ENGINE=InnoDB", "INSERT INTO " + DB + ".a VALUES (1)",
                    "CREATE TABLE " + DB + ".b (v INT) ENGINE=InnoDB", "INSERT INTO " + DB + ".b VALUES (2)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE ddl_it.u (v INT)",
            "CREATE TABLE ddl_it.u AS SELECT v FROM ddl_it.a",
            "CREATE INDEX a_v ON ddl_it.a (v)",
            "ALTER TABLE ddl_it.a ADD COLUMN w INT",
            "RENAME TABLE ddl_it.b TO ddl_it.b_old",
            "DROP TABLE ddl_it.b",
            "TRUNCATE TABLE ddl_it.b",
            "CREATE VIEW ddl_it.w AS SELECT v FROM ddl_it.a",
            "CREATE DATABASE ddl_it_other",
            "CREATE SEQUENCE ddl_it.s"})
    void shouldCommitTheOpenTransactionOnDdl(String ddl) throws Exception {
        try (Connection c = SharedMariaDb.connect(); Connection other = SharedMariaDb.connect()) {
            exec(c, "DROP DATABASE IF EXISTS ddl_it_other");
            c.setAutoCommit(false);
            exec(c, "INSERT INTO " + DB + ".t VALUES (42)");
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).as("not yet committed").isZero();
            exec(c, ddl);
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).as("committed by the DDL").isEqualTo(1);
            c.rollback();
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).as("a rollback cannot undo it").isEqualTo(1);
            exec(c, "DROP DATABASE IF EXISTS ddl_it_other");
        }
    }

    @Test
    void shouldCommitEvenWhenTheDdlFails() throws Exception {
        try (Connection c = SharedMariaDb.connect(); Connection other = SharedMariaDb.connect()) {
            c.setAutoCommit(false);
            exec(c, "INSERT INTO " + DB + ".t VALUES (42)");
            assertThatThrownBy(() -> exec(c, "CREATE TABLE " + DB + ".a (v INT)")).hasMessageContaining("already exists");
            c.rollback();
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).isEqualTo(1);
        }
    }

    @Test
    void shouldNotCommitForTemporaryTables() throws Exception {
        try (Connection c = SharedMariaDb.connect(); Connection other = SharedMariaDb.connect()) {
            c.setAutoCommit(false);
            exec(c, "INSERT INTO " + DB + ".t VALUES (42)",
                    "CREATE TEMPORARY TABLE " + DB + ".scratch (v INT)",
                    "INSERT INTO " + DB + ".scratch VALUES (1)",
                    "DROP TEMPORARY TABLE " + DB + ".scratch");
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).isZero();
            c.rollback();
            assertThat(longValue(other, "SELECT COUNT(*) FROM " + DB + ".t")).isZero();
        }
    }

    @Test
    void shouldSwapTwoTablesAtomicallyUnderConcurrentReaders() throws Exception {
        AtomicBoolean swapping = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            try (Connection r = SharedMariaDb.connect()) {
                while (swapping.get() || reads < 10) {
                    seen.add(longValue(r, "SELECT v FROM " + DB + ".a"));
                    reads++;
                }
            } catch (Throwable e) {
                errors.add(e);
            }
            return reads;
        });
        try (Connection c = SharedMariaDb.connect()) {
            for (int i = 0; i < 40; i++) {
                exec(c, "RENAME TABLE " + DB + ".a TO " + DB + ".a_old, " + DB + ".b TO " + DB + ".a, " + DB + ".a_old TO " + DB + ".b");
            }
        } finally {
            swapping.set(false);
        }
        int reads = reader.get(60, TimeUnit.SECONDS);
        assertThat(errors).as("no reader ever found " + DB + ".a missing").isEmpty();
        assertThat(reads).isGreaterThanOrEqualTo(10);
        assertThat(seen).isSubsetOf(1L, 2L);
    }

    @Test
    void shouldRenameNothingWhenOnePartOfARenameFails() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "CREATE TABLE " + DB + ".a_old (v INT)");
            assertThatThrownBy(() -> exec(c, "RENAME TABLE " + DB + ".b TO " + DB + ".b2, " + DB + ".a TO " + DB + ".a_old"))
                    .hasMessageContaining("already exists");
            assertThat(longValue(c, "SELECT v FROM " + DB + ".a")).isEqualTo(1);
            assertThat(longValue(c, "SELECT v FROM " + DB + ".b")).as("the first rename was undone").isEqualTo(2);
        }
    }

    @Test
    void shouldWaitForATransactionThatReadTheTableBeforeRenamingIt() throws Exception {
        try (Connection reader = SharedMariaDb.connect(); Connection ddl = SharedMariaDb.connect()) {
            reader.setAutoCommit(false);
            assertThat(longValue(reader, "SELECT v FROM " + DB + ".a")).isEqualTo(1);
            long ddlId = Sessions.id(ddl);
            CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> {
                try {
                    exec(ddl, "RENAME TABLE " + DB + ".a TO " + DB + ".a_old, " + DB + ".b TO " + DB + ".a");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Sessions.await("the rename waits for the reader's metadata lock",
                    () -> "Waiting for table metadata lock".equals(Sessions.state(ddlId)));
            assertThat(longValue(reader, "SELECT v FROM " + DB + ".a")).as("the reader keeps its table").isEqualTo(1);
            reader.commit();
            swap.get(30, TimeUnit.SECONDS);
            assertThat(longValue(reader, "SELECT v FROM " + DB + ".a")).isEqualTo(2);
        }
    }

    @Test
    void shouldLetAViewReadTheNewTableAfterASwap() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "CREATE VIEW " + DB + ".v AS SELECT v FROM " + DB + ".a");
            exec(c, "RENAME TABLE " + DB + ".a TO " + DB + ".a_old, " + DB + ".b TO " + DB + ".a");
            // PostgreSQL binds a view to the table itself (it would follow a_old); MariaDB to its name
            assertThat(longValue(c, "SELECT v FROM " + DB + ".v")).isEqualTo(2);
            exec(c, "DROP TABLE " + DB + ".a");
            assertThatThrownBy(() -> longValue(c, "SELECT v FROM " + DB + ".v")).hasMessageContaining("references invalid table");
        }
    }
}
