package dev.strata.bench;

import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scheduler benchmark's fintech-sized raw data (scenario 001), generated here and bulk-loaded
 * through the warehouse's {@code BulkLoad} so that the benchmark's set-up runs on every warehouse:
 * {@code raw.transactions_raw(object_id, sent_dttm, payload, business_date)} with one JSON payload
 * per message and {@code raw.currencies_raw(business_date, payload)} with the day's 42 rates. The
 * expected {@code global_metrics} rows are computed from the same definition ({@link #expected}),
 * never from the payloads or any task's output.
 *
 * <p>Operation {@code g} of day {@code d}: done when {@code g % 10 < 8} (blocked at 8, queued at 9),
 * from a test account when {@code g % 100 = 0}, currency {@code CURRENCIES[g % 10]}, accounts
 * {@code (g * 7919) % 5000} → {@code (g * 104729) % 5000}, amount {@code (g * 31) % 100000}, at
 * {@code d + g % 86400} seconds. Rates: every ordered pair of the seven currencies, {@code 0.5–1.5}
 * with three decimals, from a seeded generator.
 */
final class FintechBenchData {
    private static final int[] CURRENCIES = {420, 420, 420, 420, 410, 430, 440, 450, 460, 470};
    private static final int[] RATE_CURRENCIES = {410, 420, 430, 440, 450, 460, 470};
    static final int USD = 420;
    static final LocalDate FIRST_DAY = LocalDate.of(2022, 10, 1);
    static final int DAYS = 31;
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final int perDay;
    /** (day, currency) → its rate to USD. */
    private final Map<LocalDate, Map<Integer, BigDecimal>> usdRates = new HashMap<>();

    FintechBenchData(int perDay) {
        this.perDay = perDay;
    }

    /** One expected row of {@code global_metrics}. */
    record Metric(LocalDate day, int currency, BigDecimal amountTotal, long transactions, BigDecimal avgPerAccount,
                  long accounts) {
        boolean sameAs(Metric o) {
            return day.equals(o.day) && currency == o.currency && amountTotal.compareTo(o.amountTotal) == 0
                    && transactions == o.transactions && avgPerAccount.compareTo(o.avgPerAccount) == 0 && accounts == o.accounts;
        }
    }

    /** Creates {@code raw} with both tables and their indexes, and loads every row. */
    void load(Warehouse w) throws SQLException {
        SqlDialect d = w.sql();
        String text = d.textType();
        w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(d.createSchemaIfNotExists("raw"));
                s.execute("CREATE TABLE raw.transactions_raw (object_id " + text + ", sent_dttm timestamp, payload "
                        + d.jsonType() + ", business_date date)");
                s.execute("CREATE TABLE raw.currencies_raw (business_date date, payload " + d.jsonType() + ")");
            }
            StringBuilder csv = new StringBuilder(1 << 22);
            for (int day = 0; day < DAYS; day++) {
                LocalDateTime start = FIRST_DAY.plusDays(day).atStartOfDay();
                String dayText = start.format(TEXT);
                for (long g = 0; g < perDay; g++) {
                    String id = md5(dayText + g);
                    LocalDateTime at = start.plusSeconds(g % 86400);
                    String json = "{\"operation_id\": \"" + id + "\", \"account_number_from\": "
                            + (g % 100 == 0 ? -(g % 20) - 1 : (g * 7919) % 5000) + ", \"account_number_to\": " + (g * 104729) % 5000
                            + ", \"currency_code\": " + CURRENCIES[(int) (g % 10)] + ", \"country\": \"country_" + (g % 20)
                            + "\", \"status\": \"" + (g % 10 < 8 ? "done" : g % 10 == 8 ? "blocked" : "queued")
                            + "\", \"transaction_type\": \"sbp_incoming\", \"amount\": " + (g * 31) % 100000
                            + ", \"transaction_dt\": \"" + at.format(TEXT) + "\"}";
                    csv.append(id).append(',').append(at.format(TEXT)).append(",\"").append(json.replace("\"", "\"\""))
                            .append("\",").append(start.toLocalDate()).append('\n');
                    if (csv.length() > (1 << 22)) {
                        flush(w, c, "raw.transactions_raw", List.of("object_id", "sent_dttm", "payload", "business_date"), csv);
                    }
                }
            }
            flush(w, c, "raw.transactions_raw", List.of("object_id", "sent_dttm", "payload", "business_date"), csv);
            Random random = new Random(2022_10_01L);
            for (int day = 0; day < DAYS; day++) {
                LocalDate date = FIRST_DAY.plusDays(day);
                for (int a : RATE_CURRENCIES) {
                    for (int b : RATE_CURRENCIES) {
                        if (a == b) {
                            continue;
                        }
                        BigDecimal rate = BigDecimal.valueOf(0.5 + random.nextDouble()).setScale(3, RoundingMode.HALF_UP);
                        if (b == USD) {
                            usdRates.computeIfAbsent(date, k -> new HashMap<>()).put(a, rate);
                        }
                        String json = "{\"date_update\": \"" + date.atStartOfDay().format(TEXT) + "\", \"currency_code\": " + a
                                + ", \"currency_code_with\": " + b + ", \"currency_with_div\": " + rate.toPlainString() + "}";
                        csv.append(date).append(",\"").append(json.replace("\"", "\"\"")).append("\"\n");
                    }
                }
            }
            flush(w, c, "raw.currencies_raw", List.of("business_date", "payload"), csv);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX transactions_raw_by_day ON raw.transactions_raw (business_date)");
                s.execute("CREATE INDEX currencies_raw_by_day ON raw.currencies_raw (business_date)");
            }
            return null;
        });
    }

    private static void flush(Warehouse w, Connection c, String table, List<String> columns, StringBuilder csv)
            throws SQLException {
        if (csv.length() > 0) {
            w.bulkLoad().load(c, table, columns, new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
            csv.setLength(0);
        }
    }

    /**
     * The expected {@code global_metrics}: per day and currency, the done operations from real
     * accounts, their amount in USD (at the day's rate, rounded to cents), their count, the average
     * per distinct sending account and that count. Call after {@link #load} (it knows the rates).
     */
    List<Metric> expected() {
        List<Metric> out = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            LocalDate date = FIRST_DAY.plusDays(day);
            Map<Integer, BigDecimal> sums = new TreeMap<>();
            Map<Integer, Long> counts = new HashMap<>();
            Map<Integer, Set<Long>> accounts = new HashMap<>();
            for (long g = 0; g < perDay; g++) {
                if (g % 10 >= 8 || g % 100 == 0) {
                    continue;
                }
                int currency = CURRENCIES[(int) (g % 10)];
                BigDecimal rate = currency == USD ? BigDecimal.ONE : usdRates.get(date).get(currency);
                sums.merge(currency, BigDecimal.valueOf((g * 31) % 100000).multiply(rate), BigDecimal::add);
                counts.merge(currency, 1L, Long::sum);
                accounts.computeIfAbsent(currency, k -> new HashSet<>()).add((g * 7919) % 5000);
            }
            sums.forEach((currency, sum) -> {
                long n = counts.get(currency);
                long distinct = accounts.get(currency).size();
                out.add(new Metric(date, currency, sum.setScale(2, RoundingMode.HALF_UP), n,
                        BigDecimal.valueOf(n).divide(BigDecimal.valueOf(distinct), 20, RoundingMode.HALF_UP)
                                .setScale(2, RoundingMode.HALF_UP), distinct));
            });
        }
        return out;
    }

    /** The rows of a {@code global_metrics} table, by day and currency. */
    static List<Metric> read(Warehouse w, String table) throws SQLException {
        List<Metric> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT date_update, currency_from, amount_total, cnt_transactions, avg_transactions_per_account, "
                        + "cnt_accounts_make_transactions FROM " + table + " ORDER BY date_update, currency_from")) {
            while (rs.next()) {
                out.add(new Metric(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getBigDecimal(3), rs.getLong(4),
                        rs.getBigDecimal(5), rs.getLong(6)));
            }
        }
        return out;
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
