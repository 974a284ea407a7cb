package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.VaultSection;
import dev.strata.embedded.EmbeddedMariaDb;
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
 * <p>Two more parts, each with its own ratio: an effectivity satellite ({@code eff_user_restaurant}:
 * the restaurant a user last ordered from, driving key the user) against the same periods computed
 * by a hand-written {@code INSERT ... SELECT} with {@code lag} and {@code lead} into a table without
 * a key (the projection alone, one open period per row, is printed beside it); and {@value #SNAPSHOTS} snapshots of a point-in-time table
 * ({@code pit_order} over {@code s_order_status}) against a hand-written {@code INSERT ... SELECT}
 * of the same PIT rows into a table without a key.
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
                h_restaurant: { key: restaurant_id, from: { bench_orders: $.payload.restaurant.id } }
              links:
                l_order_user:
                  hubs: [h_order, h_user]
                  from: { bench_orders: { h_order: $.object_id, h_user: $.payload.user.id } }
                l_user_restaurant:
                  hubs: [h_user, h_restaurant]
                  from: { bench_orders: { h_user: $.payload.user.id, h_restaurant: $.payload.restaurant.id } }
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
                eff_user_restaurant:
                  parent: l_user_restaurant
                  effectivity: { driving_key: h_user }
                  from:
                    bench_orders: { h_user: $.payload.user.id, h_restaurant: $.payload.restaurant.id, load_dt: $.sent_dttm }
              pits:
                pit_order: { hub: h_order, satellites: [s_order_status] }
            """;
    static final List<String> TARGETS = List.of("h_user", "l_order_user", "s_order_status");
    static final String EFFECTIVITY = "eff_user_restaurant";
    static final String PIT = "pit_order";
    /** PIT snapshots built, evenly spread over the messages' time span, the last after all of them. */
    static final int SNAPSHOTS = 4;

    /** Strata's time over the plain statements' time: hub, link and satellite together; effectivity; PIT. */
    public record Ratios(double vault, double effectivity, double pit) {
        /** The benchmark's last line. */
        public String line() {
            return String.format(java.util.Locale.ROOT, "vault: strata/insert_select=%.2f eff/insert_select=%.2f pit/insert_select=%.2f",
                    vault, effectivity, pit);
        }
    }

    private static final java.time.LocalDateTime EPOCH = java.time.LocalDateTime.of(2024, 1, 1, 0, 0);

    private final PrintWriter out;
    private final int rows;
    private final boolean explain;
    private final boolean mariadb;

    public VaultBenchmark(PrintWriter out, int rows) {
        this(out, rows, false);
    }

    /** With {@code explain}, first prints EXPLAIN ANALYZE of each statement (run and rolled back). */
    public VaultBenchmark(PrintWriter out, int rows, boolean explain) {
        this(out, rows, explain, false);
    }

    /** On an embedded MariaDB (fast durability, as the embedded PostgreSQL's test settings) when {@code mariadb}. */
    public VaultBenchmark(PrintWriter out, int rows, boolean explain, boolean mariadb) {
        this.mariadb = mariadb;
        if (rows < 5 || rows % 5 != 0) {
            throw new IllegalArgumentException("--rows must be a positive multiple of 5, got " + rows);
        }
        this.out = out;
        this.rows = rows;
        this.explain = explain;
    }

    /** Runs the benchmark on a fresh embedded PostgreSQL (or MariaDB) and returns the three ratios. */
    public Ratios run() throws SQLException {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "bench.yaml");
        out.printf("vault benchmark: %,d STG rows -> hub h_user, link l_order_user, satellite s_order_status; "
                + "effectivity satellite %s (each user's restaurant); %d snapshots of %s%n", rows, EFFECTIVITY, SNAPSHOTS, PIT);
        out.flush();
        if (mariadb) {
            try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.empty(), EmbeddedMariaDb.Options.fast());
                 Warehouse w = Warehouse.connect(db.jdbcUrl(), db.user(), db.password(), 2)) {
                return run(w, project);
            }
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.empty());
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2)) {
            return run(w, project);
        }
    }

    private Ratios run(Warehouse w, ProjectConfig project) throws SQLException {
        out.printf("  on %s%n", w.url());
        {
            long t0 = System.nanoTime();
            land(w);
            out.printf("  landed %,d STG rows in %.1f s (not measured)%n", rows, seconds(t0));
            out.flush();
            VaultLoader loader = new VaultLoader(w, project.name(), project.vault());
            loader.prepare();
            VaultPlan plan = new VaultPlan(w.sql(), project.vault());
            createPlainTables(w);
            if (explain) {
                for (String t : concat(TARGETS, EFFECTIVITY)) {
                    explain(w, "strata " + t, plan.loadStatements(true).get(t));
                    explain(w, "insert_select " + t, t.equals(EFFECTIVITY)
                            ? plan.handWrittenEffectivity(t, w.sql().qualified("bench_plain", t))
                            : plan.projectionInsert(t, w.sql().qualified("bench_plain", t)));
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
            out.flush();

            // effectivity: the periods of each user's restaurant against the same periods computed by a
            // hand-written INSERT ... SELECT (lag finds the changes, lead closes them: what a first load
            // must do at least). The projection alone, one open period per row, is printed beside it:
            // it computes no period, so it is the floor, not the same rows
            String plainEff = w.sql().qualified("bench_plain", EFFECTIVITY);
            long start = System.nanoTime();
            long n = execute(w, plan.projectionInsert(EFFECTIVITY, plainEff));
            out.printf("  projection    %-16s %,10d rows %7.2f s (one open period per row: not the ratio's baseline)%n",
                    EFFECTIVITY, n, seconds(start));
            w.inTransaction(c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("DELETE FROM " + plainEff);
                }
            });
            start = System.nanoTime();
            n = execute(w, plan.handWrittenEffectivity(EFFECTIVITY, plainEff));
            double effPlain = seconds(start);
            out.printf("  insert_select %-16s %,10d rows %7.2f s (the same periods, by hand)%n", EFFECTIVITY, n, effPlain);
            start = System.nanoTime();
            n = loader.load(EFFECTIVITY);
            double effStrata = seconds(start);
            out.printf("  strata        %-16s %,10d rows %7.2f s (periods opened + closed)%n", EFFECTIVITY, n, effStrata);
            out.flush();

            // PIT: snapshots of h_order over s_order_status against a hand-written INSERT ... SELECT
            // of the same rows into a table without a key
            start = System.nanoTime();
            n = loader.load("h_order");
            out.printf("  (h_order loaded for the PIT: %,d rows, %.2f s, not measured)%n", n, seconds(start));
            String hand = handWrittenPit(w.sql());
            if (explain) {
                Object last = snapshots().get(SNAPSHOTS - 1).atOffset(java.time.ZoneOffset.UTC);
                String build = plan.snapshotStatements(PIT).get(1);
                explain(w, "strata " + PIT, build, java.util.Collections.nCopies((int) build.chars().filter(ch -> ch == '?').count(), last));
                explain(w, "insert_select " + PIT, hand, List.of(last, last, last));
            }
            double pitPlain = 0;
            double pitStrata = 0;
            long pitRows = 0;
            long plainRows = 0;
            for (java.time.Instant snapshot : snapshots()) {
                java.time.OffsetDateTime at = snapshot.atOffset(java.time.ZoneOffset.UTC);
                start = System.nanoTime();
                plainRows += w.inTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement(hand)) {
                        for (int p = 1; p <= 3; p++) {
                            ps.setObject(p, at);
                        }
                        return ps.executeLargeUpdate();
                    }
                });
                pitPlain += seconds(start);
                start = System.nanoTime();
                pitRows += w.inTransaction(c -> loader.buildSnapshot(c, PIT, snapshot));
                pitStrata += seconds(start);
            }
            out.printf("  insert_select %-16s %,10d rows %7.2f s (%d snapshots)%n", PIT, plainRows, pitPlain, SNAPSHOTS);
            out.printf("  strata        %-16s %,10d rows %7.2f s%n", PIT, pitRows, pitStrata);
            out.flush();
            return new Ratios(strata / plain, effStrata / effPlain, pitStrata / pitPlain);
        }
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> out = new java.util.ArrayList<>(list);
        out.add(more);
        return out;
    }

    /** Evenly spread over the messages' {@code sent_dttm}, the last one after every message. */
    private List<java.time.Instant> snapshots() {
        java.time.Instant first = EPOCH.toInstant(java.time.ZoneOffset.UTC);
        long span = (long) (rows / 5 * 4) * 3 + 2 * 180 + 1;
        List<java.time.Instant> out = new java.util.ArrayList<>();
        for (int k = 1; k <= SNAPSHOTS; k++) {
            out.add(first.plusSeconds(span * k / SNAPSHOTS));
        }
        return out;
    }

    /**
     * The PIT rows as one would write them by hand: each order that existed before the snapshot,
     * with its status satellite's latest version before it (NULL when none). Three parameters, all
     * the snapshot.
     */
    private static String handWrittenPit(SqlDialect d) {
        String s = d.timestampParameter();
        String hk = d.quote("h_order_hk");
        String loadDt = d.quote("load_dt");
        return "INSERT INTO " + d.qualified("bench_plain", PIT) + "\n"
                + "SELECT h." + hk + ", " + s + ", v." + hk + ", max(v." + loadDt + ")\n"
                + "FROM " + d.qualified("dds", "h_order") + " h\n"
                + "LEFT JOIN " + d.qualified("dds", "s_order_status") + " v ON v." + hk + " = h." + hk + " AND v." + loadDt + " < " + s + "\n"
                + "WHERE h." + loadDt + " < " + s + "\n"
                + "GROUP BY h." + hk + ", v." + hk;
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
        java.time.LocalDateTime epoch = EPOCH;
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
                    // a user's orders are o, o + users, o + 2·users, ...: restaurant o % 37 changes
                    // between them (with o % 40 it would not for users a multiple of 40), so the
                    // effectivity satellite sees real changes next to re-sends
                    String json = "{\"object_id\": " + o + ", \"object_type\": \"order\", \"sent_dttm\": \"" + at.format(sent)
                            + "\", \"payload\": {\"user\": {\"id\": \"u" + String.format("%07d", (o * 7919) % users)
                            + "\"}, \"restaurant\": {\"id\": \"r" + (o % 37) + "\"}, \"status\": \""
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
            for (String t : concat(concat(TARGETS, EFFECTIVITY), PIT)) {
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
        explain(w, what, sql, List.of(0L, Long.MAX_VALUE));
    }

    /** EXPLAIN ANALYZE of {@code sql} with {@code params} bound in order. */
    private void explain(Warehouse w, String what, String sql, List<Object> params) throws SQLException {
        try (Connection c = w.connection()) {
            c.setAutoCommit(false);
            w.settings().deterministic(c);
            w.settings().sortMemory(c, VaultSection.DEFAULT_SORT_MEMORY);
            try (PreparedStatement ps = c.prepareStatement(w.catalog().explainAnalyze(sql))) {
                for (int p = 0; p < params.size(); p++) {
                    ps.setObject(p + 1, params.get(p));
                }
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
