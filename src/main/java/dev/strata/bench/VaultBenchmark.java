package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.VaultSection;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.ingest.StgTable;
import dev.strata.vault.VaultLoader;
import dev.strata.vault.VaultPlan;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata bench vault}: loads N STG rows (order messages) into one hub ({@code h_user}), one
 * link ({@code l_order_user}) and one satellite ({@code s_order_status}) with {@link VaultLoader},
 * and, in the same run on the same server, runs a plain {@code INSERT ... SELECT} of exactly the
 * same projected rows (same JSON extraction, casts, hash keys and hashdiff) into tables without
 * keys or constraints. The ratio is Strata's time over the plain inserts' time: what deduplication,
 * version detection, primary-key maintenance and watermarks cost on top of the projection itself.
 *
 * <p>Data: N messages for 0.8·N orders (every fourth order is sent twice, OPEN then CLOSED), users
 * drawn from N/10, as a Kafka lander would land them (one STG row per message, {@code _seq} in order).
 */
public final class VaultBenchmark {
    static final String SOURCE = "bench_orders";
    static final String YAML = """
            name: bench
            sources:
              bench_orders: { kafka: { topic: bench-orders } }
            vault:
              hubs:
                h_order: { key: { order_id: bigint }, from: { bench_orders: $.object_id } }
                h_user: { key: user_id, from: { bench_orders: $.payload.user.id } }
              links:
                l_order_user:
                  hubs: [h_order, h_user]
                  from: { bench_orders: { h_order: $.object_id, h_user: $.payload.user.id } }
              satellites:
                s_order_status:
                  parent: h_order
                  attributes: { status: text, cost: "numeric(19,5)" }
                  from:
                    bench_orders:
                      order_id: $.object_id
                      status: $.payload.status
                      cost: $.payload.cost
                      load_dt: $.sent_dttm
            """;
    static final List<String> TARGETS = List.of("h_user", "l_order_user", "s_order_status");

    private final PrintWriter out;
    private final int rows;
    private final boolean explain;

    public VaultBenchmark(PrintWriter out, int rows) {
        this(out, rows, false);
    }

    /** With {@code explain}, first prints EXPLAIN ANALYZE of each statement (run and rolled back). */
    public VaultBenchmark(PrintWriter out, int rows, boolean explain) {
        if (rows < 5 || rows % 5 != 0) {
            throw new IllegalArgumentException("--rows must be a positive multiple of 5, got " + rows);
        }
        this.out = out;
        this.rows = rows;
        this.explain = explain;
    }

    /** Runs the benchmark on a fresh embedded PostgreSQL and returns strata/insert_select. */
    public double run() throws SQLException {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "bench.yaml");
        out.printf("vault benchmark: %,d STG rows -> hub h_user, link l_order_user, satellite s_order_status%n", rows);
        out.flush();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.empty());
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2)) {
            long t0 = System.nanoTime();
            land(w);
            out.printf("  landed %,d STG rows in %.1f s (not measured)%n", rows, seconds(t0));
            out.flush();
            VaultLoader loader = new VaultLoader(w, project.name(), project.vault());
            loader.prepare();
            VaultPlan plan = new VaultPlan(w.sql(), project.vault());
            createPlainTables(w);
            if (explain) {
                for (String t : TARGETS) {
                    explain(w, "strata " + t, plan.loadStatements().get(t));
                    explain(w, "insert_select " + t, plan.projectionInsert(t, w.sql().qualified("bench_plain", t)));
                }
            }

            // per target, the plain insert and then Strata's load, back to back: on a shared machine
            // both see the same load, which a baseline-first-then-Strata order would not guarantee
            double plain = 0;
            double strata = 0;
            for (String t : TARGETS) {
                long start = System.nanoTime();
                long n = execute(w, plan.projectionInsert(t, w.sql().qualified("bench_plain", t)));
                double s = seconds(start);
                plain += s;
                out.printf("  insert_select %-16s %,10d rows %7.2f s%n", t, n, s);
                out.flush();
                start = System.nanoTime();
                n = loader.load(t);
                s = seconds(start);
                strata += s;
                out.printf("  strata        %-16s %,10d rows %7.2f s%n", t, n, s);
                out.flush();
            }
            out.printf("  total: strata %.2f s, insert_select %.2f s%n", strata, plain);
            return strata / plain;
        }
    }

    /**
     * The STG rows, generated here and bulk-loaded through the warehouse's {@code BulkLoad}, so the
     * benchmark runs on every warehouse: {@code rows} order messages where every fourth order is sent
     * twice (OPEN, then CLOSED three minutes later).
     */
    private void land(Warehouse w) throws SQLException {
        SqlDialect d = w.sql();
        int orders = rows / 5 * 4;
        int users = Math.max(1, rows / 10);
        List<String> columns = List.of(StgTable.SEQ, StgTable.PAYLOAD, StgTable.PARTITION, StgTable.OFFSET,
                StgTable.EVENT_TIME, StgTable.BATCH_ID);
        java.time.LocalDateTime epoch = java.time.LocalDateTime.of(2024, 1, 1, 0, 0);
        java.time.format.DateTimeFormatter sent = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : StgTable.createStatements(w.adapter(), SOURCE, false)) {
                    s.execute(ddl);
                }
            }
            long seq = 0;
            StringBuilder csv = new StringBuilder(1 << 22);
            for (long o = 1; o <= orders; o++) {
                for (int m = 1; m <= (o % 4 == 0 ? 2 : 1); m++) {
                    seq++;
                    java.time.LocalDateTime at = epoch.plusSeconds(o * 3 + m * 180L);
                    long cost = (o % 977) * 5;
                    String json = "{\"object_id\": " + o + ", \"object_type\": \"order\", \"sent_dttm\": \"" + at.format(sent)
                            + "\", \"payload\": {\"user\": {\"id\": \"u" + String.format("%07d", (o * 7919) % users)
                            + "\"}, \"restaurant\": {\"id\": \"r" + (o % 40) + "\"}, \"status\": \""
                            + (o % 4 == 0 && m == 1 ? "OPEN" : "CLOSED") + "\", \"cost\": " + cost + ", \"payment\": " + cost
                            + ", \"date\": \"2024-01-01 10:00:00\"}}";
                    csv.append(seq).append(",\"").append(json.replace("\"", "\"\"")).append("\",0,").append(seq).append(',')
                            .append(at).append("Z,1\n");
                    if (csv.length() > (1 << 22)) {
                        load(w, c, csv, columns);
                    }
                }
            }
            load(w, c, csv, columns);
            return null;
        });
        try (Connection c = w.connection()) {
            w.catalog().refreshStatistics(c, d.qualified(StgTable.SCHEMA, SOURCE));
        }
    }

    private static void load(Warehouse w, Connection c, StringBuilder csv, List<String> columns) throws SQLException {
        if (csv.length() > 0) {
            w.bulkLoad().load(c, w.sql().qualified(StgTable.SCHEMA, SOURCE), columns,
                    new java.io.ByteArrayInputStream(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            csv.setLength(0);
        }
    }

    private static void createPlainTables(Warehouse w) throws SQLException {
        SqlDialect d = w.sql();
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute(d.createSchemaIfNotExists("bench_plain"));
            for (String t : TARGETS) {
                // the vault table's columns, without keys, NOT NULLs or indexes
                s.execute(d.createTableAs(d.qualified("bench_plain", t), "SELECT * FROM " + d.qualified("dds", t) + " WHERE 1 = 0"));
            }
        }
    }

    private long execute(Warehouse w, String sql) throws SQLException {
        return w.inTransaction(c -> {
            w.settings().deterministic(c);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, 0);
                ps.setLong(2, Long.MAX_VALUE);
                return ps.executeLargeUpdate();
            }
        });
    }

    private void explain(Warehouse w, String what, String sql) throws SQLException {
        try (Connection c = w.connection()) {
            c.setAutoCommit(false);
            w.settings().deterministic(c);
            w.settings().sortMemory(c, VaultSection.DEFAULT_SORT_MEMORY);
            try (PreparedStatement ps = c.prepareStatement(w.catalog().explainAnalyze(sql))) {
                ps.setLong(1, 0);
                ps.setLong(2, Long.MAX_VALUE);
                out.println("  -- plan of " + what);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.println("  " + rs.getString(1));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        out.flush();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
