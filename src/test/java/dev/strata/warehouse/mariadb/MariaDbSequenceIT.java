package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static dev.strata.warehouse.mariadb.Sessions.longValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (d) MariaDB SEQUENCE objects, for STG's {@code _seq} ("sequence order is commit order") and the
 * landing batch id. NEXTVAL is not transactional: values are handed out in draw order, never given
 * back. Commit order equals value order only when every drawer holds a lock until it commits.
 */
class MariaDbSequenceIT {
    private static final String DB = "seq_it";

    @BeforeEach
    void freshDatabase() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE SEQUENCE " + DB + ".s NOCACHE",
                    "CREATE TABLE " + DB + ".rows (seq BIGINT PRIMARY KEY) ENGINE=InnoDB",
                    "CREATE TABLE " + DB + ".locks (name VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO " + DB + ".locks VALUES ('stg:orders')");
        }
    }

    private static long draw(Connection c) throws SQLException {
        long v = longValue(c, "SELECT NEXTVAL(" + DB + ".s)");
        exec(c, "INSERT INTO " + DB + ".rows VALUES (" + v + ")");
        return v;
    }

    @Test
    void shouldLetALaterValueCommitFirstWhenDrawersHoldNoLock() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect(); Connection reader = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            long first = draw(a);
            long second = draw(b);
            assertThat(second).isEqualTo(first + 1);
            b.commit();
            // a reader that consumed up to `second` ...
            assertThat(longValue(reader, "SELECT MAX(seq) FROM " + DB + ".rows")).isEqualTo(second);
            a.commit();
            // ... later sees a row below its watermark: the hazard STG's lock prevents
            assertThat(longValue(reader, "SELECT COUNT(*) FROM " + DB + ".rows WHERE seq < " + second)).isEqualTo(1);
        }
    }

    @Test
    void shouldMakeValueOrderCommitOrderWhenDrawersHoldALockedRowUntilCommit() throws Exception {
        String lock = "SELECT name FROM " + DB + ".locks WHERE name = 'stg:orders' FOR UPDATE";
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect(); Connection reader = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            exec(a, lock);
            long first = draw(a);
            long bId = Sessions.id(b);
            CompletableFuture<Long> later = CompletableFuture.supplyAsync(() -> {
                try {
                    exec(b, lock);
                    long v = draw(b);
                    b.commit();
                    return v;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Sessions.await("B waits for the lock before drawing", () -> Sessions.waitsForRowLock(bId));
            assertThat(longValue(reader, "SELECT COUNT(*) FROM " + DB + ".rows")).isZero();
            a.commit();
            long second = later.get(30, TimeUnit.SECONDS);
            assertThat(second).isGreaterThan(first);
        }
    }

    @Test
    void shouldNotGiveValuesBackOnRollback() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            c.setAutoCommit(false);
            long v = draw(c);
            exec(c, "SELECT SETVAL(" + DB + ".s, " + (v + 10) + ")");
            c.rollback();
            c.setAutoCommit(true);
            assertThat(longValue(c, "SELECT NEXTVAL(" + DB + ".s)")).as("neither NEXTVAL nor SETVAL rolls back").isEqualTo(v + 11);
        }
    }

    @Test
    void shouldReserveABlockWithNextvalThenSetval() throws Exception {
        int n = 5000;
        try (Connection c = SharedMariaDb.connect()) {
            long first = longValue(c, "SELECT NEXTVAL(" + DB + ".s)");
            // SETVAL takes a literal only (an expression or a ? is a syntax error), so two statements
            assertThatThrownBy(() -> longValue(c, "SELECT SETVAL(" + DB + ".s, NEXTVAL(" + DB + ".s) + " + n + ")"))
                    .hasMessageContaining("syntax");
            assertThat(longValue(c, "SELECT SETVAL(" + DB + ".s, " + (first + n - 1) + ")")).isEqualTo(first + n - 1);
            assertThat(longValue(c, "SELECT LASTVAL(" + DB + ".s)")).as("the session's last drawn value").isEqualTo(first);
            assertThat(longValue(c, "SELECT NEXTVAL(" + DB + ".s)")).isEqualTo(first + n);
            // a SETVAL below the current value is ignored (returns NULL): a block cannot be handed out twice
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT SETVAL(" + DB + ".s, 1)")) {
                rs.next();
                assertThat(rs.getObject(1)).isNull();
            }
            assertThat(longValue(c, "SELECT NEXTVAL(" + DB + ".s)")).isEqualTo(first + n + 1);
        }
    }

    @Test
    void shouldReserveAThousandValuesAheadWithTheDefaultCache() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "CREATE SEQUENCE " + DB + ".cached");
            assertThat(longValue(c, "SELECT NEXTVAL(" + DB + ".cached)")).isEqualTo(1);
            // what a restart resumes from: with the default CACHE 1000 the next 999 values are lost
            assertThat(longValue(c, "SELECT next_not_cached_value FROM " + DB + ".cached")).isEqualTo(1001);
            assertThat(longValue(c, "SELECT NEXTVAL(" + DB + ".s)")).isEqualTo(1);
            assertThat(longValue(c, "SELECT next_not_cached_value FROM " + DB + ".s")).isEqualTo(2);
        }
    }
}
