package dev.strata.examples.fintech;

import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import dev.strata.warehouse.Warehouse;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares what the fintech pipeline built with what the generator sent, layer by layer (scenario
 * 001 §9): raw STG counts per business date (items 5, 6), the typed staging tables row by row and
 * column by column (item 7), and {@code cdm.global_metrics} row by row against
 * {@link GlobalMetricsTruth} with each day's operations checked against the generator's manifest
 * (items 9–12). Expected values come from the generated messages in plain Java, never from the
 * warehouse. {@code strata demo fintech} prints its summary; the tests assert on it.
 */
public final class FintechVerifier {
    private static final int SHOWN = 5;

    /** The outcome: what was compared and every difference found (the first few per layer are kept). */
    public record Verification(List<String> differences, int transactionMessages, int rateMessages, int martRows,
                               int martDays) {
        public boolean ok() {
            return differences.isEmpty();
        }

        /** The line the demo prints: {@code verified: ...} on a match, {@code NOT verified: ...} otherwise. */
        public String summary() {
            if (!ok()) {
                return "NOT verified: " + differences.size() + " difference(s) from the generator's data:\n  "
                        + String.join("\n  ", differences);
            }
            return String.format("verified: %,d transaction messages and %,d currency rates landed once each "
                    + "(duplicates dropped), typed staging equal to them field by field, global_metrics %d rows on %d "
                    + "days equal to the generator's data", transactionMessages, rateMessages, martRows, martDays);
        }
    }

    private final Warehouse warehouse;

    public FintechVerifier(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Verifies against everything the generator made, including its manifest. */
    public Verification verify(FintechGenerator.Generated generated) throws SQLException {
        return verify(generated.messages(), java.util.Optional.of(generated.manifest()));
    }

    /**
     * Verifies against {@code sent} (the generator's messages, perhaps with some added or removed by
     * a test); each day's operations are also checked against {@code manifest} when given.
     */
    public Verification verify(List<FintechGenerator.Sent> sent, java.util.Optional<FintechManifest> manifest)
            throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<LocalDate, Integer> rawTx = GlobalMetricsTruth.rawTransactionCounts(sent);
        Map<LocalDate, Integer> rawRates = GlobalMetricsTruth.rawRateCounts(sent);
        dev.strata.warehouse.SqlDialect d = warehouse.sql();
        compareCounts("stg.transactions_raw", rawTx, countsByDay(
                "select " + d.utcDate("_event_time") + ", count(*) from stg.transactions_raw group by 1"), diffs);
        compareCounts("stg.currencies_raw", rawRates, countsByDay(
                "select " + d.utcDate("_event_time") + ", count(*) from stg.currencies_raw group by 1"), diffs);
        compareCounts("stg.transactions", rawTx, countsByDay(
                "select " + d.toDate("transaction_dt") + ", count(*) from stg.transactions group by 1"), diffs);
        compareCounts("stg.currencies", rawRates, countsByDay(
                "select " + d.toDate("date_update") + ", count(*) from stg.currencies group by 1"), diffs);
        compareTypedTransactions(sent, diffs);
        compareTypedRates(sent, diffs);
        GlobalMetricsTruth.Expected expected = GlobalMetricsTruth.compute(sent);
        compareMart(expected, diffs);
        manifest.ifPresent(m -> expected.rows().forEach((day, rows) -> {
            int total = rows.stream().mapToInt(GlobalMetricsTruth.Row::transactions).sum();
            if (total != m.day(day).qualifyingOperations()) {
                diffs.add("global_metrics " + day + ": " + total + " operations, the generator's manifest says "
                        + m.day(day).qualifyingOperations());
            }
        }));
        int txTotal = rawTx.values().stream().mapToInt(Integer::intValue).sum();
        int rateTotal = rawRates.values().stream().mapToInt(Integer::intValue).sum();
        return new Verification(List.copyOf(diffs), txTotal, rateTotal, expected.allRows().size(), expected.rows().size());
    }

    private Map<LocalDate, Integer> countsByDay(String sql) throws SQLException {
        Map<LocalDate, Integer> out = new TreeMap<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getObject(1, LocalDate.class), rs.getInt(2));
            }
        }
        return out;
    }

    private static void compareCounts(String table, Map<LocalDate, Integer> expected, Map<LocalDate, Integer> actual,
                                      List<String> diffs) {
        Map<LocalDate, Integer> all = new TreeMap<>(expected);
        actual.keySet().forEach(d -> all.putIfAbsent(d, 0));
        int shown = 0;
        for (LocalDate d : all.keySet()) {
            int e = expected.getOrDefault(d, 0);
            int a = actual.getOrDefault(d, 0);
            if (e != a && shown++ < SHOWN) {
                diffs.add(String.format("%s %s: %,d rows, expected %,d", table, d, a, e));
            }
        }
    }

    private record TxKey(String operationId, LocalDateTime sent) {
    }

    private void compareTypedTransactions(List<FintechGenerator.Sent> sent, List<String> diffs) throws SQLException {
        Map<TxKey, Transaction> expected = new HashMap<>();
        for (FintechMessage m : GlobalMetricsTruth.distinct(sent)) {
            if (m instanceof Transaction t) {
                expected.put(new TxKey(t.operationId(), t.sentDttm()), t);
            }
        }
        int shown = 0;
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);        // lets the driver stream the rows instead of holding them all
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery("select operation_id, account_number_from, account_number_to, currency_code, "
                    + "country, status, transaction_type, amount, transaction_dt, sent_dttm from stg.transactions")) {
                while (rs.next()) {
                    Transaction actual = new Transaction(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8),
                            rs.getObject(9, LocalDateTime.class), rs.getObject(10, LocalDateTime.class));
                    Transaction e = expected.remove(new TxKey(actual.operationId(), actual.sentDttm()));
                    if (!actual.equals(e) && shown++ < SHOWN) {
                        diffs.add("stg.transactions: " + actual + (e == null ? " was not sent (or is there twice)"
                                : " differs from the message sent: " + e));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        if (!expected.isEmpty()) {
            diffs.add(String.format("stg.transactions: %,d messages sent are missing, e.g. %s", expected.size(),
                    expected.values().iterator().next()));
        }
    }

    private void compareTypedRates(List<FintechGenerator.Sent> sent, List<String> diffs) throws SQLException {
        Map<String, BigDecimal> expected = new HashMap<>();
        for (FintechMessage m : GlobalMetricsTruth.distinct(sent)) {
            if (m instanceof Rate r) {
                expected.put(r.dateUpdate() + "/" + r.currency() + "/" + r.currencyWith(), r.div());
            }
        }
        int shown = 0;
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select date_update, currency_code, currency_code_with, currency_with_div "
                     + "from stg.currencies")) {
            while (rs.next()) {
                String key = rs.getObject(1, LocalDateTime.class) + "/" + rs.getInt(2) + "/" + rs.getInt(3);
                BigDecimal e = expected.remove(key);
                if ((e == null || e.compareTo(rs.getBigDecimal(4)) != 0) && shown++ < SHOWN) {
                    diffs.add("stg.currencies: rate " + key + " = " + rs.getBigDecimal(4) + ", sent: " + e);
                }
            }
        }
        if (!expected.isEmpty()) {
            diffs.add(String.format("stg.currencies: %,d rates sent are missing, e.g. %s", expected.size(),
                    expected.keySet().iterator().next()));
        }
    }

    private void compareMart(GlobalMetricsTruth.Expected expected, List<String> diffs) throws SQLException {
        List<GlobalMetricsTruth.Row> actual = martRows(warehouse);
        List<GlobalMetricsTruth.Row> want = expected.allRows();
        int shown = 0;
        for (int i = 0; i < Math.max(actual.size(), want.size()); i++) {
            GlobalMetricsTruth.Row a = i < actual.size() ? actual.get(i) : null;
            GlobalMetricsTruth.Row e = i < want.size() ? want.get(i) : null;
            if (!Objects.equals(a, e) && shown++ < SHOWN) {
                diffs.add("cdm.global_metrics row " + (i + 1) + ": " + a + ", expected " + e);
            }
        }
    }

    /** The mart's rows by date and currency, as {@link GlobalMetricsTruth.Row}s (empty when it does not exist yet). */
    public static List<GlobalMetricsTruth.Row> martRows(Warehouse warehouse) throws SQLException {
        List<GlobalMetricsTruth.Row> out = new ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            if (warehouse.catalog().relationKind(c, "cdm", "global_metrics").isEmpty()) {
                return out;
            }
            try (ResultSet rs = s.executeQuery("select date_update, currency_from, amount_total, cnt_transactions, "
                    + "avg_transactions_per_account, cnt_accounts_make_transactions from cdm.global_metrics order by 1, 2")) {
                while (rs.next()) {
                    out.add(new GlobalMetricsTruth.Row(rs.getObject(1, LocalDate.class), rs.getInt(2), rs.getBigDecimal(3),
                            rs.getInt(4), rs.getBigDecimal(5), rs.getInt(6)));
                }
            }
        }
        return out;
    }
}
