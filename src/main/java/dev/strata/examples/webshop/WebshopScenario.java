package dev.strata.examples.webshop;

import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.examples.Checks;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Scenario;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.TaskState;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code strata demo webshop}: the web shop of scenario 003 end to end. Generates the shop's rows
 * (seeded) and fills the embedded shop PostgreSQL with them — only empty tables, so a second fill
 * inserts nothing; sends the registrations to {@code new_users_events} and lands them (the vault
 * loads each batch); backfills the two schedule dates 2024-12-30 and 2024-12-31 (each: the five
 * snapshots, then the marts of that date); then verifies the acceptance items of §9 against what
 * the generators made. Then the stream alone: more registrations, the marts of the last date built
 * again — the shop marts must not move (15, 16), the user set must grow by exactly those events —
 * and the topic re-read from its beginning must add nothing (6).
 */
public final class WebshopScenario implements Scenario {
    static final long SEED = 3;
    static final LocalDate FIRST_DATE = LocalDate.parse("2024-12-30");
    static final LocalDate LAST_DATE = LocalDate.parse("2024-12-31");
    /** The sources' and marts' cron: daily at 01:00 UTC. */
    static final Duration RUN_HOUR = Duration.ofHours(1);
    static final List<String> SNAPSHOTS = List.of("shop_users", "shop_product_categories", "shop_products", "shop_orders",
            "shop_order_details");
    static final String MARTS = "mart_user_activity,mart_product_sales,mart_average_check,users";

    /**
     * How much the demo generates.
     *
     * @param counts        the shop's rows
     * @param registrations events sent before the first build (the seed's 3 s apart: 600 are 30 minutes)
     * @param later         events sent afterwards, to show the stream alone leaves the shop marts as they are
     */
    public record Profile(ShopData.Counts counts, int registrations, int later) {
        public static Profile seed() {
            return new Profile(ShopData.Counts.seed(), 600, 200);
        }

        /** {@link #seed()} with the shop's counts times {@code f} (tests). */
        public static Profile scaled(double f) {
            return new Profile(ShopData.Counts.seed().scaled(f), 600, 200);
        }
    }

    private final Profile profile;
    private PrintWriter out;
    private ShopData shop;
    private ShopTruth truth;
    private ShopDatabase database;
    private String topic;
    private final Checks checks = new Checks();

    public WebshopScenario(Profile profile) {
        this.profile = profile;
    }

    /** The generator's rows for this profile (the same on every call: seeded). */
    public static ShopData shopData(Profile profile) {
        return new ShopGenerator(SEED, profile.counts()).generate();
    }

    @Override
    public void generate(DemoStage stage) throws Exception {
        out = stage.out();
        long t = System.nanoTime();
        shop = shopData(profile);
        truth = new ShopTruth(shop);
        out.printf("generated the shop (seed %d): %,d users, %,d products, %,d categories, %,d orders, %,d order details "
                        + "in %.1f s%n", SEED, shop.users().size(), shop.products().size(), shop.categories().size(),
                shop.orders().size(), shop.details().size(), (System.nanoTime() - t) / 1e9);
        Path manifest = stage.workDir().resolve("generator").resolve("manifest.txt");
        Files.createDirectories(manifest.getParent());
        StringBuilder m = new StringBuilder("seed " + SEED + "\n");
        for (String table : ShopDatabase.TABLES) {
            m.append(table).append(": ").append(truth.checksum(table)).append('\n');
        }
        m.append("registrations: ").append(profile.registrations()).append(" + ").append(profile.later())
                .append(" events from ").append(RegistrationStream.START).append(", one every ")
                .append(RegistrationStream.INTERVAL.toSeconds()).append(" s (log: registrations.jsonl)\n");
        Files.writeString(manifest, m);
        out.println("  manifest : " + manifest);
        out.flush();
    }

    @Override
    public String prepare(DemoStage stage) throws Exception {
        SourceConfig users = stage.project().sources().get("shop_users");
        database = new ShopDatabase((JdbcSourceSpec) users.spec());
        long t = System.nanoTime();
        Map<String, Integer> inserted = database.fill(shop);
        out.printf("filled the shop database (%s.*) in %.1f s: %s%n", ShopDatabase.SCHEMA, (System.nanoTime() - t) / 1e9,
                inserted);
        Map<String, Integer> again = database.fill(shop);
        Map<String, Long> counts = database.counts();
        ShopData.Counts c = profile.counts();
        List<String> diffs = new ArrayList<>();
        expect(counts, "users", c.users(), diffs);
        expect(counts, "products", c.products(), diffs);
        expect(counts, "orders", c.orders(), diffs);
        expect(counts, "order_details", c.details(), diffs);
        expect(counts, "product_categories", c.categories(), diffs);
        checks.check("2", diffs, String.format("the shop database holds exactly %,d users, %,d products, %,d orders, %,d "
                + "order details, %,d product categories", c.users(), c.products(), c.orders(), c.details(), c.categories()));
        checks.check("3", again.values().stream().allMatch(n -> n == 0), "the generator run again on the filled database "
                + "inserted " + again.values().stream().mapToInt(Integer::intValue).sum() + " rows");
        checks.check("4", database.danglingReferences(), "referential integrity in the shop database: every orders.user_id, "
                + "order_details.order_id and .product_id, products.category_id and non-null parent_category_id names a row");
        topic = ((KafkaSourceSpec) stage.project().sources().get("new_users_events").spec()).topic();
        stage.kafka().createTopic(topic, 1);
        return String.format("the shop database with %,d rows, topic %s (1 partition)", c.total(), topic);
    }

    private static void expect(Map<String, Long> counts, String table, long expected, List<String> diffs) {
        if (counts.get(table) != expected) {
            diffs.add(table + ": " + counts.get(table) + " rows, expected " + expected);
        }
    }

    @Override
    public String consoleHint() {
        return "  (Dashboards: Web shop)";
    }

    @Override
    public boolean run(DemoStage stage, DemoPipeline p) throws Exception {
        Warehouse w = p.warehouse();
        WebshopVerifier verifier = new WebshopVerifier(w);
        RegistrationStream stream = new RegistrationStream(SEED);
        Path log = stage.workDir().resolve("generator").resolve("registrations.jsonl");
        List<Registration> sent = new ArrayList<>(stream.events(0, profile.registrations()));
        long t0 = System.nanoTime();
        try (RegistrationProducer producer = new RegistrationProducer(stage.kafka().bootstrap(), topic, log)) {
            producer.send(sent);
            DemoPipeline.Landed landed = p.landAll(Duration.ofMinutes(5));
            out.printf("sent %,d registrations to %s and landed them in %.1f s (the vault %.1f s more)%n", sent.size(), topic,
                    landed.landing().toMillis() / 1e3, landed.vaultCatchUp().toMillis() / 1e3);
            out.printf("backfill %s .. %s (daily at 01:00: the 5 snapshots, then the 4 marts of each date) ...%n",
                    FIRST_DATE, LAST_DATE);
            out.flush();
            Backfill.Result result = p.backfill(runOf(FIRST_DATE), runOf(LAST_DATE));
            out.printf("backfill: %d task runs, %d succeeded, %d failed, %d not run, in %.1f s%n", result.runs().size(),
                    result.count(TaskState.SUCCESS), result.count(TaskState.FAILED), result.notRun().size(),
                    result.elapsed().toMillis() / 1e3);
            result.failed().forEach(r -> out.println("  failed: " + r.node() + " " + r.logicalDate() + ": " + r.error()));
            out.flush();
            checks.check("1", result.ok(), "one command: the snapshots and marts ran in dependency order, no DAG "
                    + "unpaused by hand (" + result.runs().size() + " task runs)");
            if (!result.ok()) {
                checks.print(out);
                return false;
            }
            verifier.snapshots(truth, database, List.of(FIRST_DATE, LAST_DATE), checks);
            verifier.registrations(sent, checks);
            verifier.userSet(shop, sent, checks);
            verifier.marts(truth, checks);
            Map<String, List<String>> read = new java.util.LinkedHashMap<>();
            for (String mart : MARTS.split(",")) {
                read.put(mart, p.pipeline().graph().upstreamOf(mart).stream().filter(SNAPSHOTS::contains).sorted().toList());
            }
            verifier.dependency(stage.project().name(), List.of(FIRST_DATE, LAST_DATE), read, checks);
            Map<String, RowChecksum.Sum> built = verifier.martChecksums();

            // the stream alone: more registrations, the last date's marts built again
            List<Registration> later = stream.events(sent.size(), profile.later());
            producer.send(later);
            sent.addAll(later);
            p.landAll(Duration.ofMinutes(5));
            Backfill.Result rebuilt = rebuild(p, w);
            Map<String, RowChecksum.Sum> afterStream = verifier.martChecksums();
            List<String> moved = new ArrayList<>();
            for (String mart : List.of("mart_user_activity", "mart_product_sales", "mart_average_check")) {
                if (!built.get(mart).equals(afterStream.get(mart))) {
                    moved.add(mart + " changed: " + built.get(mart) + " -> " + afterStream.get(mart));
                }
            }
            if (!rebuilt.ok()) {
                moved.add("the rebuild failed: " + rebuilt.failed());
            }
            checks.check("15", moved, String.format("%,d more registrations and the marts of %s built again: the three "
                    + "shop marts are unchanged (no streamed user has an order), mart_average_check %s", later.size(),
                    LAST_DATE, afterStream.get("mart_average_check")));
            verifier.userSet(shop, sent, checks);

            // the same build again, nothing new: identical tables
            Backfill.Result again = rebuild(p, w);
            Map<String, RowChecksum.Sum> rerun = verifier.martChecksums();
            checks.check("16", again.ok() && rerun.equals(afterStream), "the marts of " + LAST_DATE + " built once more are "
                    + "identical (MD5 of rows sorted by their group columns): " + summary(rerun));

            // the topic read again from its beginning: nothing lands twice
            long stgBefore = verifier.count("SELECT count(*) FROM stg.new_users_events");
            rewind(w, stage.project().name());
            p.landAll(Duration.ofMinutes(5));
            rebuild(p, w);
            long stgAfter = verifier.count("SELECT count(*) FROM stg.new_users_events");
            checks.check("6", stgAfter == stgBefore, String.format("the topic re-read from offset 0 landed nothing new "
                    + "(stg.new_users_events %,d rows before, %,d after)", stgBefore, stgAfter));
            verifier.userSet(shop, sent, checks);
            verifier.registrations(sent, checks);
        }
        checks.print(out);
        out.printf("webshop: %d checks, %s, %.1f s from the first registration sent%n", checks.all().size(),
                checks.ok() ? "all hold" : checks.all().stream().filter(c -> !c.ok()).count() + " FAILED",
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return checks.ok();
    }

    /** What the verification found (for tests). */
    public Checks checks() {
        return checks;
    }

    /** The schedule point of {@code date}: its 01:00 UTC. */
    static Instant runOf(LocalDate date) {
        return date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plus(RUN_HOUR);
    }

    /** The marts of the last date built again (a re-run, as {@code strata backfill --rerun} does). */
    private static Backfill.Result rebuild(DemoPipeline p, Warehouse w) throws Exception {
        return new Backfill(p.pipeline(), w, Environment.defaultWorkerId(), Clock.systemUTC())
                .run(Backfill.Options.of(runOf(LAST_DATE), runOf(LAST_DATE)).withSelect(MARTS).withRerun(true),
                        Backfill.Progress.NONE);
    }

    /** As docs/landing.md says to land a topic again from the start: the source's positions set back to 0. */
    private static void rewind(Warehouse w, String pipeline) throws SQLException {
        try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE strata.source_positions SET position = 0 WHERE pipeline = ? AND source = 'new_users_events'")) {
            ps.setString(1, pipeline);
            ps.executeUpdate();
        }
    }

    private static String summary(Map<String, RowChecksum.Sum> sums) {
        List<String> parts = new ArrayList<>();
        sums.forEach((m, s) -> parts.add(m + " " + s));
        return String.join("; ", parts);
    }
}
