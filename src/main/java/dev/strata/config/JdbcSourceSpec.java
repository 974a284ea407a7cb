package dev.strata.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A table (or query) of an operational database as a source, read over JDBC (docs/sources.md).
 *
 * @param url       the source database's JDBC URL ({@code ${ENV}} for credentials in it)
 * @param table     {@code table} or {@code schema.table}; empty with {@code query}
 * @param query     a {@code SELECT} of the source's SQL; empty with {@code table}
 * @param mode      snapshot (the whole table each run) or incremental (rows past a cursor)
 * @param cursor    incremental: the column whose greater values mark new or changed rows
 * @param lookback  incremental: how far below the stored high-water mark each run re-reads, for
 *                  rows committed late (a duration for a time cursor, a number for a numeric one)
 * @param fetchSize rows the driver fetches per round trip (the result is streamed, never held)
 * @param keep      snapshot: how many snapshot dates to keep in STG (older ones are deleted); empty: all
 * @param schedule  the source's own schedule settings ({@code schedule:} of the source)
 */
public record JdbcSourceSpec(String url, String user, Secret password, Optional<String> table, Optional<String> query,
                             Mode mode, Optional<String> cursor, Optional<Lookback> lookback, int fetchSize,
                             Optional<Integer> keep, ScheduleSettings schedule) implements SourceSpec {
    public static final int DEFAULT_FETCH_SIZE = 10_000;

    /** How a source is read. */
    public enum Mode {
        SNAPSHOT, INCREMENTAL;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How far below the high-water mark a run re-reads: a duration (time cursors) or an amount (numeric cursors). */
    public record Lookback(Optional<Duration> duration, Optional<java.math.BigDecimal> amount) {
        public static Lookback of(Duration d) {
            return new Lookback(Optional.of(d), Optional.empty());
        }

        public static Lookback of(java.math.BigDecimal n) {
            return new Lookback(Optional.empty(), Optional.of(n));
        }

        @Override
        public String toString() {
            return duration.map(Durations::format).orElseGet(() -> amount.orElseThrow().toPlainString());
        }
    }

    @Override
    public String kind() {
        return "jdbc";
    }

    @Override
    public boolean isScheduled() {
        return true;
    }

    /** {@code table} split into schema (empty: the connection's default) and name. */
    public Optional<String> schemaName() {
        return table.filter(t -> t.contains(".")).map(t -> t.substring(0, t.indexOf('.')));
    }

    public Optional<String> tableName() {
        return table.map(t -> t.contains(".") ? t.substring(t.indexOf('.') + 1) : t);
    }

    /** The URL with credentials masked, for messages. */
    public String redactedUrl() {
        return WarehouseConfig.redact(url);
    }

    @Override
    public String toString() {
        return "JdbcSourceSpec[url=" + redactedUrl() + ", user=" + user + ", password=" + password + ", table="
                + table.orElse("-") + ", query=" + query.map(q -> "(" + q.length() + " chars)").orElse("-")
                + ", mode=" + mode.word() + ", cursor=" + cursor.orElse("-") + "]";
    }
}
