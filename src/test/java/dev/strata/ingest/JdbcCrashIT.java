package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.testing.SourceDatabase;
import dev.strata.testing.TestServers;
import dev.strata.testing.WarehouseUnderTest;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental {@code jdbc} lander in its own JVM is killed with SIGKILL again and again —
 * mostly right after it read a batch from the source and before that batch's transaction
 * committed — while rows are updated and inserted in the source between the kills; at the end
 * every row of the source is in STG as its current version exactly once, no version is there
 * twice and none that never existed. 12 kills by default, 40 with {@code -Pstress}.
 */
class JdbcCrashIT {

    @Test
    void shouldLandEveryRowVersionOnceWhenTheLanderIsKilledBetweenReadAndCommit(@TempDir Path dir) throws Exception {
        int kills = Boolean.getBoolean("strata.stress") ? 40 : 12;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SourceDatabase db = SourceDatabase.postgres();
        String warehouseUrl = TestServers.newDatabaseUrl();
        try (var w = WarehouseUnderTest.postgres().connect(warehouseUrl)) {
            w.migrate();
        }
        db.exec("CREATE TABLE accounts (id integer PRIMARY KEY, balance numeric(12,2) NOT NULL, modify_date timestamp(6) NOT NULL)");
        LocalDateTime[] clock = {LocalDateTime.parse("2024-06-01T00:00:00")};
        Set<String> everVersion = new HashSet<>();
        int[] nextId = {1};
        insert(db, 30_000, nextId, clock, random, everVersion);
        Path yaml = Files.writeString(dir.resolve("strata.yaml"), "name: crash\n"
                + "sources:\n"
                + "  accounts:\n"
                + "    jdbc:\n"
                + "      url: \"" + db.url() + "\"\n"
                + "      user: " + db.user() + "\n"
                + "      table: accounts\n"
                + "      mode: incremental\n"
                + "      cursor: modify_date\n"
                + "      fetch_size: 1000\n"
                + "    batch: { max_records: 500 }\n");
        long t0 = System.nanoTime();
        int betweenReadAndCommit = 0;
        try (LanderProcesses landers = new LanderProcesses(warehouseUrl, yaml, "JdbcCrashIT", JdbcLanderProcess.class,
                List.of("-Dorg.slf4j.simpleLogger.log.dev.strata.ingest.JdbcIncrement=debug"))) {
            for (int k = 0; k < kills; k++) {
                LanderProcesses.Lander l = landers.start("lander-" + k, "worker-" + k);
                int reads = 1 + random.nextInt(8);
                // polled often: the kill should land between the read and the commit, which are milliseconds apart
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(2))
                        .until(() -> l.read.get() >= reads || !l.process.isAlive());
                assertThat(l.process.isAlive()).as("lander %d is still running when killed", k).isTrue();
                if (random.nextInt(4) == 0) {
                    Thread.sleep(random.nextInt(200));   // somewhere else: inside or after a transaction
                }
                l.kill();
                if (l.read.get() > l.batches.get()) {
                    betweenReadAndCommit++;
                }
                update(db, 400, nextId[0], clock, random, everVersion);
                insert(db, 150, nextId, clock, random, everVersion);
            }
            LanderProcesses.Lander last = landers.start("lander-final", "worker-final");
            await().atMost(Duration.ofSeconds(180)).until(() -> landed(warehouseUrl).containsAll(current(db)));
            last.kill();
        }
        Set<String> current = current(db);
        Map<String, Integer> stg = new HashMap<>();
        try (Connection c = WarehouseUnderTest.postgres().connect(warehouseUrl).connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, modify_date, balance FROM stg.accounts")) {
            while (rs.next()) {
                stg.merge(rs.getInt(1) + "@" + rs.getTimestamp(2).toLocalDateTime() + "=" + rs.getBigDecimal(3), 1, Integer::sum);
            }
        }
        long doubled = stg.values().stream().filter(n -> n > 1).count();
        long missing = current.stream().filter(v -> !stg.containsKey(v)).count();
        long invented = stg.keySet().stream().filter(v -> !everVersion.contains(v)).count();
        System.out.printf("jdbc crash test (seed %d): kills=%d (%d between a batch's read and its commit), source rows=%d, "
                        + "STG versions=%d, missing=%d, doubled=%d, never in the source=%d, in %.0f s%n", seed, kills,
                betweenReadAndCommit, current.size(), stg.size(), missing, doubled, invented, (System.nanoTime() - t0) / 1e9);
        assertThat(missing).as("current source rows missing from STG").isZero();
        assertThat(doubled).as("row versions landed twice").isZero();
        assertThat(invented).as("STG versions that never existed in the source").isZero();
        assertThat(betweenReadAndCommit).as("kills between a batch's read and its commit").isGreaterThan(kills / 3);
    }

    private static void insert(SourceDatabase db, int n, int[] nextId, LocalDateTime[] clock, Random r, Set<String> ever)
            throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                int id = nextId[0]++;
                BigDecimal balance = BigDecimal.valueOf(r.nextInt(10_000_000), 2);
                LocalDateTime at = tick(clock, r);
                ps.setInt(1, id);
                ps.setBigDecimal(2, balance);
                ps.setTimestamp(3, Timestamp.valueOf(at));
                ps.addBatch();
                ever.add(id + "@" + at + "=" + balance);
            }
            ps.executeBatch();
        }
    }

    private static void update(SourceDatabase db, int n, int maxId, LocalDateTime[] clock, Random r, Set<String> ever)
            throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE accounts SET balance = ?, modify_date = ? WHERE id = ?")) {
            for (int i = 0; i < n; i++) {
                int id = 1 + r.nextInt(maxId - 1);
                BigDecimal balance = BigDecimal.valueOf(r.nextInt(10_000_000), 2);
                LocalDateTime at = tick(clock, r);
                ps.setBigDecimal(1, balance);
                ps.setTimestamp(2, Timestamp.valueOf(at));
                ps.setInt(3, id);
                ps.executeUpdate();
                ever.add(id + "@" + at + "=" + balance);
            }
        }
    }

    /** A strictly later time, several rows sometimes sharing one (ties across batch boundaries). */
    private static LocalDateTime tick(LocalDateTime[] clock, Random r) {
        if (r.nextInt(3) != 0) {
            clock[0] = clock[0].plusNanos((1 + r.nextInt(1000)) * 1000L);
        }
        return clock[0];
    }

    private static Set<String> current(SourceDatabase db) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, modify_date, balance FROM accounts")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "@" + rs.getTimestamp(2).toLocalDateTime() + "=" + rs.getBigDecimal(3));
            }
        }
        return out;
    }

    private static Set<String> landed(String warehouseUrl) throws Exception {
        Set<String> out = new HashSet<>();
        try (var w = WarehouseUnderTest.postgres().connect(warehouseUrl); Connection c = w.connection();
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, modify_date, balance FROM stg.accounts")) {
                while (rs.next()) {
                    out.add(rs.getInt(1) + "@" + rs.getTimestamp(2).toLocalDateTime() + "=" + rs.getBigDecimal(3));
                }
            }
        } catch (java.sql.SQLException e) {
            return Set.of();   // the table does not exist yet
        }
        return out;
    }
}
