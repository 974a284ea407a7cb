package dev.strata.ingest;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CDC test's world: a fresh database on a source PostgreSQL server (by default the shared
 * {@link TestServers#cdcSource()}, a server of its own, not the warehouse's), a fresh warehouse
 * database on the shared warehouse server, and a project with one {@code cdc} source named
 * {@code shop} capturing from the first into the second, with a slot and publication of its own.
 */
final class CdcFixture implements AutoCloseable {
    static final String SOURCE = "shop";
    final EmbeddedPostgres server;
    final String sourceDb;
    final String sourceUrl;
    final Warehouse warehouse;
    final String warehouseUrl;
    final String pipeline;
    final String slot;

    CdcFixture() {
        this(TestServers.cdcSource());
    }

    CdcFixture(EmbeddedPostgres server) {
        this(server, dev.strata.testing.WarehouseUnderTest.postgres());
    }

    /** Capturing from {@code server} into a new database of {@code target} (PostgreSQL or MariaDB). */
    CdcFixture(EmbeddedPostgres server, dev.strata.testing.WarehouseUnderTest target) {
        this.server = server;
        this.sourceDb = TestServers.uniqueName("src");
        this.slot = TestServers.uniqueName("slot");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), EmbeddedPostgres.USER, server.password().reveal());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + sourceDb);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        // the server's generated password in the URL (PgJDBC prefers it to a given one), for every client
        this.sourceUrl = "jdbc:postgresql://localhost:" + server.port() + "/" + sourceDb + "?password="
                + server.password().reveal();
        this.warehouseUrl = target.newDatabaseUrl();
        this.warehouse = target.connect(warehouseUrl);
        this.warehouse.migrate();
        this.pipeline = TestServers.uniqueName("p");
    }

    /** strata.yaml text with the cdc source capturing {@code tables}; {@code extra} is added under {@code cdc:}. */
    String yaml(List<String> tables, String extra) {
        return "name: " + pipeline + "\n"
                + "sources:\n"
                + "  " + SOURCE + ":\n"
                + "    cdc:\n"
                + "      postgres: { host: localhost, port: " + server.port() + ", database: " + sourceDb
                + ", user: postgres, password: " + server.password().reveal() + " }\n"
                + "      tables: [" + String.join(", ", tables) + "]\n"
                + "      slot: " + slot + "\n"
                + "      publication: pub_" + slot + "\n"
                + "      heartbeat: 500ms\n"
                + extra;
    }

    ProjectConfig project(String yaml) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "strata.yaml");
    }

    Environment environment(ProjectConfig project) {
        return new Environment(project, warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(), "worker-test");
    }

    /** Runs statements on the source database, each in its own transaction. */
    void source(String... statements) {
        try (Connection c = DriverManager.getConnection(sourceUrl, EmbeddedPostgres.USER, "");
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements on the source database in one transaction. */
    void sourceTransaction(String... statements) {
        try (Connection c = DriverManager.getConnection(sourceUrl, EmbeddedPostgres.USER, "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One landed change: the STG row's columns and the envelope's fields. */
    record Change(long seq, String key, String op, String before, String after, String partition, long offset,
                  String sourceTime, long lsn, Long txId) {
    }

    /** The rows of {@code stg.shop_<table>} in {@code _seq} order. */
    List<Change> changes(String table) {
        List<Change> out = new ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _seq, _key, _payload->>'op', _payload->'before', _payload->'after', "
                     + "_partition, _offset, _source_time, (_payload->'source'->>'lsn')::bigint, "
                     + "(_payload->'source'->>'txId')::bigint FROM stg." + SOURCE + "_" + table + " ORDER BY _seq")) {
            while (rs.next()) {
                out.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getLong(7), rs.getString(8), rs.getLong(9), (Long) rs.getObject(10)));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of();   // not created yet
            }
            throw new IllegalStateException(e);
        }
        return out;
    }

    long warehouseLong(String sql) {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String warehouseText(String sql) {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            source("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND NOT active");
        } catch (RuntimeException ignored) {
            // the server may be down in a failure test; its data directory goes with it
        }
        warehouse.close();
    }
}
