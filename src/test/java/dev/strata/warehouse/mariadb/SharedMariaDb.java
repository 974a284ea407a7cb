package dev.strata.warehouse.mariadb;

import dev.strata.embedded.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * One embedded MariaDB (fast mode, temporary data directory) shared by the behaviour tests of this
 * package, started on first use and stopped when the test JVM exits. Each test works in databases
 * of its own name, so the tests do not see each other's tables.
 */
final class SharedMariaDb {
    private static EmbeddedMariaDb server;

    private SharedMariaDb() {
    }

    static synchronized EmbeddedMariaDb server() {
        if (server == null) {
            EmbeddedMariaDb s = EmbeddedMariaDb.start(Optional.empty(), EmbeddedMariaDb.Options.fast());
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "shared-mariadb-close"));
            server = s;
        }
        return server;
    }

    /** A new session as root, with driver properties (e.g. {@code allowLocalInfile}) added. */
    static Connection connect(String... properties) throws SQLException {
        EmbeddedMariaDb s = server();
        Properties props = new Properties();
        props.setProperty("user", s.user());
        props.setProperty("password", s.password().reveal());
        for (int i = 0; i + 1 < properties.length; i += 2) {
            props.setProperty(properties[i], properties[i + 1]);
        }
        return java.sql.DriverManager.getConnection(s.jdbcUrl(), props);
    }

    /** Drops and creates database {@code name} (utf8mb4, binary collation, as Strata creates its own). */
    static void freshDatabase(Connection c, String name) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
            s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
        }
    }
}
