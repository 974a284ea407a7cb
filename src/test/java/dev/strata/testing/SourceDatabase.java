package dev.strata.testing;

import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * An operational database a {@code jdbc} source reads in tests: a fresh database on the shared
 * embedded PostgreSQL (not the warehouse's database), or on an embedded MariaDB started on first
 * use (MySQL family). {@link #ddl} picks the vendor's spelling of a test table, so one test body
 * runs against both.
 */
public interface SourceDatabase {
    /** Which server: the test's display name and the DDL dialect. */
    enum Kind { POSTGRES, MARIADB }

    Kind kind();

    String url();

    String user();

    Secret password();

    default Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user());
        p.setProperty("password", password().reveal());
        return DriverManager.getConnection(url(), p);
    }

    /** Runs statements with auto-commit. */
    default void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** The PostgreSQL or the MariaDB form of a statement. */
    default String ddl(String postgres, String mariadb) {
        return kind() == Kind.POSTGRES ? postgres : mariadb;
    }

    /** A new, empty database on the shared embedded PostgreSQL. */
    static SourceDatabase postgres() {
        String url = TestServers.newDatabaseUrl();
        return new SourceDatabase() {
            @Override
            public Kind kind() {
                return Kind.POSTGRES;
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public String user() {
                return EmbeddedPostgres.USER;
            }

            @Override
            public Secret password() {
                return Secret.empty();
            }

            @Override
            public String toString() {
                return "PostgreSQL source";
            }
        };
    }

    /** A new, empty database on an embedded MariaDB shared by the tests of this JVM. */
    static SourceDatabase mariadb() {
        EmbeddedMariaDb server = SharedSourceMariaDb.server();
        String db = TestServers.uniqueName("src");
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create MariaDB database " + db, e);
        }
        String base = server.jdbcUrl();
        int slash = base.indexOf('/', "jdbc:mariadb://".length());
        String url = (slash < 0 ? base : base.substring(0, slash)) + "/" + db;
        return new SourceDatabase() {
            @Override
            public Kind kind() {
                return Kind.MARIADB;
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public String user() {
                return server.user();
            }

            @Override
            public Secret password() {
                return server.password();
            }

            @Override
            public String toString() {
                return "MariaDB source";
            }
        };
    }

    /** The MariaDB server of {@link #mariadb()}: fast mode, temporary data directory, stopped at JVM exit. */
    final class SharedSourceMariaDb {
        private static EmbeddedMariaDb server;

        private SharedSourceMariaDb() {
        }

        static synchronized EmbeddedMariaDb server() {
            if (server == null) {
                EmbeddedMariaDb s = EmbeddedMariaDb.start(Optional.empty(), EmbeddedMariaDb.Options.fast());
                Runtime.getRuntime().addShutdownHook(new Thread(s::close, "source-mariadb-stop"));
                server = s;
            }
            return server;
        }
    }
}
