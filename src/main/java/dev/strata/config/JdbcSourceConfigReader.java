package dev.strata.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads a {@code jdbc} source: the {@code jdbc:} mapping and the source-level keys that apply to it
 * ({@code schedule}, {@code batch}), reporting every problem at its file:line:column. The keys of
 * stream sources ({@code key}, {@code filter}, ...) are refused on a {@code jdbc} source: its rows
 * are typed columns, not JSON records.
 */
final class JdbcSourceConfigReader {
    /** Source-level keys that only stream sources (Kafka, Redis) take. */
    static final List<String> STREAM_ONLY_KEYS = List.of("key", "filter", "event_time", "dedup", "max_message_bytes");
    static final int MAX_FETCH_SIZE = 1_000_000;

    private JdbcSourceConfigReader() {
    }

    /** Reads {@code jdbc:} of a source whose mapping is {@code source}. */
    static JdbcSourceSpec read(ConfigReader source, ConfigReader j) {
        // A bad value is reported at the value, where the user has to change it.
        String url = j.required("url").flatMap(v -> v.asString().filter(u -> {
            if (!u.startsWith("jdbc:")) {
                v.problem("expected a JDBC URL such as jdbc:postgresql://host:5432/shop or jdbc:mariadb://host:3306/shop");
            }
            return true;
        })).orElse(null);
        String user = j.string("user").orElse("");
        Secret password = j.secret("password");
        Optional<String> table = j.optional("table").flatMap(v -> v.asString().flatMap(t -> tableName(v, t)));
        Optional<String> query = j.optional("query").flatMap(ConfigValue::asString).map(JdbcSourceConfigReader::trimQuery);
        boolean hasTable = j.has("table");
        boolean hasQuery = j.has("query");
        if (hasTable == hasQuery) {
            j.problem("give one of 'table' (a table or schema.table of the source) or 'query' (a SELECT of the source's SQL)");
        }
        query.filter(String::isEmpty).ifPresent(q -> j.problem("query", "must not be empty"));
        Optional<JdbcSourceSpec.Mode> mode = j.required("mode").flatMap(v -> v.asOneOf("snapshot", "incremental"))
                .map(m -> JdbcSourceSpec.Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT)));
        boolean incremental = mode.filter(m -> m == JdbcSourceSpec.Mode.INCREMENTAL).isPresent();
        Optional<String> cursor = j.optional("cursor").flatMap(ConfigValue::asIdentifier);
        if (incremental && !j.has("cursor")) {
            j.problem("cursor", "required for mode: incremental (the column whose greater values mark new or changed rows, "
                    + "such as modify_date or an id)");
        }
        Optional<JdbcSourceSpec.Lookback> lookback = j.optional("lookback").flatMap(JdbcSourceConfigReader::lookback);
        if (mode.isPresent() && !incremental) {
            for (String key : List.of("cursor", "lookback")) {
                if (j.has(key)) {
                    j.problem(key, "only for mode: incremental (a snapshot reads the whole table each run)");
                }
            }
        }
        int fetchSize = j.optional("fetch_size").flatMap(v -> v.asInt().filter(f -> {
            boolean ok = f >= 1 && f <= MAX_FETCH_SIZE;
            if (!ok) {
                v.problem("must be between 1 and " + MAX_FETCH_SIZE);
            }
            return ok;
        })).orElse(JdbcSourceSpec.DEFAULT_FETCH_SIZE);
        Optional<Integer> keep = j.optional("keep").flatMap(v -> v.asInt().filter(k -> {
            if (k < 1) {
                v.problem("must be at least 1 (snapshot dates kept)");
            }
            return true;
        }));
        if (incremental && j.has("keep")) {
            j.problem("keep", "only for mode: snapshot (an incremental source keeps every row version it landed)");
        }
        j.finish();
        ScheduleSettings schedule = source.optional("schedule").map(v -> {
            ScheduleSettings s = ScheduleConfigReader.settings(v);
            if (s.isContinuous()) {
                v.problem("a jdbc source runs on a schedule (every: 1h, cron: '0 1 * * *', @daily); it cannot be continuous");
            }
            return s;
        }).orElse(ScheduleSettings.empty());
        for (String key : STREAM_ONLY_KEYS) {
            if (source.has(key)) {
                source.problem(key, "not for a jdbc source: its rows are typed columns of the source table, "
                        + "identified by their values (see docs/sources.md)");
                source.optional(key);   // reported; not unknown as well
            }
        }
        source.mapping("batch").filter(b -> b.has("max_wait"))
                .ifPresent(b -> b.problem("max_wait", "not for a jdbc source: it reads its rows at once; batch.max_records "
                        + "and batch.max_bytes size its landing batches"));
        return new JdbcSourceSpec(url == null ? "" : url, user, password, table, query,
                mode.orElse(JdbcSourceSpec.Mode.SNAPSHOT), cursor, lookback, fetchSize, keep, schedule);
    }

    /** {@code name} or {@code schema.name}, each a safe identifier. */
    private static Optional<String> tableName(ConfigValue v, String text) {
        String t = text.trim();
        String[] parts = t.split("\\.", -1);
        if (parts.length > 2 || java.util.Arrays.stream(parts).anyMatch(p -> !Identifiers.isSafe(p))) {
            v.problem("'" + t + "' is not a table name: give table or schema.table, each part " + Identifiers.RULE
                    + " (for other names, use query: with the name quoted as the source database quotes it)");
            return Optional.empty();
        }
        return Optional.of(t);
    }

    /** The query without trailing semicolons and whitespace: it is read as a derived table. */
    private static String trimQuery(String q) {
        String t = q.strip();
        while (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
    }

    /** A duration ({@code 10m}, for a time cursor) or a non-negative number ({@code 1000}, for a numeric one). */
    private static Optional<JdbcSourceSpec.Lookback> lookback(ConfigValue v) {
        return v.asString().flatMap(text -> {
            String t = text.trim();
            if (t.matches("\\d+(\\.\\d+)?")) {
                return Optional.of(JdbcSourceSpec.Lookback.of(new BigDecimal(t)));
            }
            try {
                Duration d = Durations.parse(t);
                if (d.isNegative()) {
                    v.problem("must not be negative");
                    return Optional.empty();
                }
                return Optional.of(JdbcSourceSpec.Lookback.of(d));
            } catch (IllegalArgumentException e) {
                v.problem("expected a duration such as 10m (a time cursor) or a number such as 1000 (a numeric cursor), got '"
                        + t + "'");
                return Optional.empty();
            }
        });
    }
}
