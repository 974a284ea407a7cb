package dev.strata.examples.airline;

import dev.strata.StrataException;
import dev.strata.embedded.StreamingReplica;
import dev.strata.embedded.TableDigest;
import dev.strata.examples.Checks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Acceptance items 1–2 of scenario 000, on the source's streaming replica: the same contents as
 * the primary (count and ordered md5 of each of the 8 tables) within 30 s of the change script, a
 * read-only refusal, and a replication connection that needs the role's password (no {@code trust}
 * line; the password from the environment or new at this start, in no file of the project).
 */
final class AirlineReplicaChecks {
    /** Item 1's bound: the replica shows the primary's contents within this after the change script. */
    static final Duration CATCH_UP = Duration.ofSeconds(30);
    /** Where a user puts the replication password; when unset, the replica's start makes up a new one. */
    static final String PASSWORD_VARIABLE = "AIRLINE_REPLICATION_PASSWORD";
    private static final String READ_ONLY = "25006";
    private static final String BAD_PASSWORD = "28P01";

    private final AirlineDatabase primary;
    private final StreamingReplica replica;

    AirlineReplicaChecks(AirlineDatabase primary, StreamingReplica replica) {
        this.primary = primary;
        this.replica = replica;
    }

    /** Item 1; call right after the change script has run on the primary. */
    void contents(Checks checks) throws SQLException {
        long t0 = System.nanoTime();
        try {
            replica.waitCaughtUp(CATCH_UP);
        } catch (StrataException e) {
            checks.check("1", false, "replica: " + e.getMessage());
            return;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> differences = new ArrayList<>();
        long rows = 0;
        try (Connection p = primary.connect(); Connection r = connectReplica()) {
            for (String t : AirlineDatabase.TABLES) {
                List<String> key = Arrays.stream(AirlineDatabase.KEYS.get(t).split(",")).map(String::trim).toList();
                TableDigest onPrimary = TableDigest.of(p, "public", t, key);
                TableDigest onReplica = TableDigest.of(r, "public", t, key);
                rows += onReplica.rows();
                if (!onPrimary.equals(onReplica)) {
                    differences.add(t + ": primary " + onPrimary.rows() + " rows md5 " + onPrimary.md5() + ", replica "
                            + onReplica.rows() + " rows md5 " + onReplica.md5());
                }
            }
            try (Statement s = r.createStatement()) {
                s.execute("INSERT INTO airports VALUES ('ZZZ', 'x', 'x', 0, 0, 'UTC')");
                differences.add("an INSERT on the replica succeeded");
            } catch (SQLException e) {
                if (!READ_ONLY.equals(e.getSQLState())) {
                    differences.add("an INSERT on the replica failed with SQLSTATE " + e.getSQLState() + ", not " + READ_ONLY
                            + " (read-only transaction): " + e.getMessage());
                }
            }
        }
        checks.check("1", differences, String.format("replica: caught up %.1f s after the change script (bound %d s); "
                + "count(*) and md5(string_agg(t::text, ',' ORDER BY pk)) equal on the primary and the hot standby for "
                + "all %d tables (%,d rows); an INSERT on the standby fails with %s (read-only transaction)",
                seconds, CATCH_UP.toSeconds(), AirlineDatabase.TABLES.size(), rows, READ_ONLY));
    }

    /** Item 2: {@code projectDir} is what a user keeps under version control. */
    void authentication(Checks checks, Path projectDir) throws SQLException, IOException {
        List<String> differences = new ArrayList<>();
        try (Connection p = primary.connect(); Statement s = p.createStatement();
             ResultSet rs = s.executeQuery("SELECT line_number, type, array_to_string(database, ','), "
                     + "array_to_string(user_name, ','), auth_method FROM pg_hba_file_rules "
                     + "WHERE auth_method = 'trust' OR 'replication' = ANY(database)")) {
            while (rs.next()) {
                boolean ok = !rs.getString(5).equals("trust") && rs.getString(4).equals(replica.replicationUser())
                        && rs.getString(5).equals("scram-sha-256");
                if (!ok) {
                    differences.add("pg_hba.conf line " + rs.getInt(1) + ": " + rs.getString(2) + " " + rs.getString(3) + " "
                            + rs.getString(4) + " " + rs.getString(5));
                }
            }
        }
        for (String attempt : new String[] {"", "not-the-password"}) {
            try {
                replicationConnection(attempt).close();
                differences.add("a replication connection as " + replica.replicationUser() + " with "
                        + (attempt.isEmpty() ? "no password" : "a wrong password") + " was accepted");
            } catch (SQLException e) {
                if (!BAD_PASSWORD.equals(e.getSQLState()) && !"08004".equals(e.getSQLState())) {
                    differences.add("a replication connection with " + (attempt.isEmpty() ? "no" : "a wrong")
                            + " password failed with SQLSTATE " + e.getSQLState() + ": " + e.getMessage());
                }
            }
        }
        String password = passwordOfReplica();
        if (password.isEmpty()) {
            differences.add("the standby's passfile holds no password");
        }
        List<Path> holding = filesContaining(projectDir, password);
        holding.forEach(f -> differences.add("the replication password is written in " + f));
        String conninfo = Files.readString(replica.dataDir().resolve("postgresql.auto.conf"), StandardCharsets.UTF_8);
        if (conninfo.contains("password=")) {
            differences.add("primary_conninfo carries the password itself");
        }
        boolean fromEnv = System.getenv(PASSWORD_VARIABLE) != null && !System.getenv(PASSWORD_VARIABLE).isEmpty();
        checks.check("2", differences, "replication auth: pg_hba.conf has no trust line and allows replication only for "
                + replica.replicationUser() + " with scram-sha-256; a replication connection without the password or with "
                + "a wrong one is refused (" + BAD_PASSWORD + "); the password "
                + (fromEnv ? "comes from " + PASSWORD_VARIABLE : "was made up at this start (set " + PASSWORD_VARIABLE
                + " to choose it)") + ", sits only in the standby's 0600 passfile and in none of the project's files");
    }

    private Connection connectReplica() throws SQLException {
        return DriverManager.getConnection(replica.jdbcUrl(), replica.user(), replica.password().reveal());
    }

    private Connection replicationConnection(String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", replica.replicationUser());
        p.setProperty("password", password);
        p.setProperty("replication", "true");
        p.setProperty("assumeMinServerVersion", "9.4");
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(primary.url(), p);
    }

    /** The password field of the standby's passfile (host:port:database:user:password). */
    private String passwordOfReplica() throws IOException {
        List<String> lines = Files.readAllLines(replica.passfile(), StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0).substring(lines.get(0).lastIndexOf(':') + 1);
    }

    private static List<Path> filesContaining(Path dir, String value) throws IOException {
        if (value.isEmpty()) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (Files.readString(f, StandardCharsets.ISO_8859_1).contains(value)) {
                    found.add(dir.relativize(f));
                }
            }
        }
        return found;
    }
}
