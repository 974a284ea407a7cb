package dev.strata.testing;

import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server and one Kafka broker per test JVM, started on first use and
 * stopped at JVM exit. Integration tests isolate themselves with a fresh database
 * ({@link #newDatabase()}) and unique topic names ({@link #uniqueName}), so they can share the
 * servers and the suite stays fast.
 */
public final class TestServers {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static dev.strata.embedded.EmbeddedMariaDb mariadb;
    private static EmbeddedPostgres cdcSource;

    private TestServers() {
    }

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgres.start(Optional.empty());
            EmbeddedPostgres pg = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "test-postgres-stop"));
        }
        return postgres;
    }

    /**
     * A second PostgreSQL server, the operational database that CDC tests capture from (the
     * warehouse is {@link #postgres()}): a source server of its own, as users have one.
     */
    public static synchronized EmbeddedPostgres cdcSource() {
        if (cdcSource == null) {
            cdcSource = EmbeddedPostgres.start(Optional.empty());
            EmbeddedPostgres pg = cdcSource;
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "test-cdc-source-stop"));
        }
        return cdcSource;
    }

    public static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(Optional.empty());
            EmbeddedKafka k = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(k::close, "test-kafka-stop"));
        }
        return kafka;
    }

    /** One embedded MariaDB (fast mode, temporary data directory) per test JVM, started on first use. */
    public static synchronized dev.strata.embedded.EmbeddedMariaDb mariadb() {
        if (mariadb == null) {
            mariadb = dev.strata.embedded.EmbeddedMariaDb.start(Optional.empty(), dev.strata.embedded.EmbeddedMariaDb.Options.fast());
            dev.strata.embedded.EmbeddedMariaDb m = mariadb;
            Runtime.getRuntime().addShutdownHook(new Thread(m::close, "test-mariadb-stop"));
        }
        return mariadb;
    }

    /**
     * The shared MariaDB server emptied: every database but MariaDB's own dropped. MariaDB has one
     * namespace of databases per server (Strata's schemas are databases), so a fresh "database" in
     * PostgreSQL's sense is a server without Strata's databases; tests using it run one at a time.
     * Returns the server's JDBC URL.
     */
    public static synchronized String emptiedMariaDbUrl() {
        dev.strata.embedded.EmbeddedMariaDb m = mariadb();
        try (Connection c = m.connect(); Statement s = c.createStatement()) {
            java.util.List<String> drop = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
                while (rs.next()) {
                    String db = rs.getString(1);
                    if (!java.util.Set.of("mysql", "information_schema", "performance_schema", "sys").contains(db)) {
                        drop.add(db);
                    }
                }
            }
            for (String db : drop) {
                s.execute("DROP DATABASE `" + db + "`");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the test MariaDB server", e);
        }
        return m.jdbcUrl();
    }

    /** A name unique in this JVM run, safe as an SQL identifier and a topic name: {@code prefix_7}. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    /**
     * Creates an empty database on the shared server and returns its JDBC URL. The URL carries the
     * server's generated password ({@code ?password=}, which PgJDBC prefers to any given
     * separately), so tests and child JVMs that know only the URL and the user log in.
     */
    public static String newDatabaseUrl() {
        EmbeddedPostgres pg = postgres();
        String db = uniqueName("t");
        try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + db, e);
        }
        return "jdbc:postgresql://localhost:" + pg.port() + "/" + db + "?password="
                + java.net.URLEncoder.encode(pg.password().reveal(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A pool on a fresh database of the shared server, metadata schema not yet created. The caller closes it. */
    public static Warehouse newDatabase() {
        return Warehouse.connect(newDatabaseUrl(), EmbeddedPostgres.USER, Secret.empty(), 8);
    }
}
