package dev.strata.config;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code schedule:} section. Each level is either a mapping of settings or a shorthand
 * word: {@code continuous}, a duration ({@code 1h}) or a cron expression ({@code @daily},
 * {@code 0 6 * * *}).
 */
final class ScheduleConfigReader {
    private ScheduleConfigReader() {
    }

    static ScheduleSection read(ConfigReader root) {
        Optional<ConfigReader> section = root.mapping("schedule");
        if (section.isEmpty()) {
            return ScheduleSection.none();
        }
        ConfigReader s = section.get();
        ScheduleSettings defaults = s.optional("defaults").map(ScheduleConfigReader::settings).orElse(ScheduleSettings.empty());
        ScheduleSettings marts = s.optional("marts").map(ScheduleConfigReader::settings).orElse(ScheduleSettings.empty());
        ScheduleSettings vault = s.optional("vault").map(ScheduleConfigReader::settings)
                .orElse(ScheduleSettings.continuousOnly());
        Map<String, ScheduleSettings> nodes = new LinkedHashMap<>();
        Map<String, Position> positions = new LinkedHashMap<>();
        s.namedEntries("nodes").forEach((name, v) -> {
            nodes.put(name, settings(v));
            positions.put(name, v.position());
        });
        s.finish();
        return new ScheduleSection(defaults, marts, vault, nodes, positions);
    }

    static ScheduleSettings settings(ConfigValue v) {
        if (v.isScalar()) {
            return v.asString().map(text -> shorthand(v, text)).orElse(ScheduleSettings.empty());
        }
        Optional<ConfigReader> m = v.asMapping();
        if (m.isEmpty()) {
            return ScheduleSettings.empty();
        }
        ConfigReader r = m.get();
        Optional<Boolean> continuous = r.optional("continuous").flatMap(ConfigValue::asBoolean);
        Optional<Duration> every = r.optional("every").flatMap(ConfigValue::asDuration);
        Optional<String> cron = r.optional("cron").flatMap(c -> c.asString().filter(text -> validCron(c, text)));
        int cadences = (continuous.orElse(false) ? 1 : 0) + (every.isPresent() ? 1 : 0) + (cron.isPresent() ? 1 : 0);
        if (cadences > 1) {
            r.problem("give one of 'every', 'cron' or 'continuous: true', not several");
        }
        every.filter(d -> d.isZero() || d.isNegative()).ifPresent(d -> r.problem("every", "must be longer than 0"));
        Optional<Instant> start = r.optional("start").flatMap(ScheduleConfigReader::instant);
        Optional<Instant> end = r.optional("end").flatMap(ScheduleConfigReader::instant);
        if (start.isPresent() && end.isPresent() && end.get().isBefore(start.get())) {
            r.problem("end", "is before start");
        }
        Optional<Boolean> catchup = r.optional("catchup").flatMap(ConfigValue::asBoolean);
        Optional<Duration> offset = r.optional("offset").flatMap(ScheduleConfigReader::signedDuration);
        Optional<Boolean> dependsOnPast = r.optional("depends_on_past").flatMap(ConfigValue::asBoolean);
        Optional<Boolean> waitForDownstream = r.optional("wait_for_downstream").flatMap(ConfigValue::asBoolean);
        Optional<Integer> retries = r.optional("retries").flatMap(ConfigValue::asInt);
        retries.filter(n -> n < 0 || n > 100).ifPresent(n -> r.problem("retries", "must be between 0 and 100"));
        Optional<Duration> retryDelay = r.optional("retry_delay").flatMap(ConfigValue::asDuration);
        Optional<Duration> timeout = r.optional("timeout").flatMap(ConfigValue::asDuration);
        timeout.filter(Duration::isZero).ifPresent(d -> r.problem("timeout", "must be longer than 0"));
        r.finish();
        return new ScheduleSettings(continuous, every, cron, start, end, catchup, offset, dependsOnPast,
                waitForDownstream, retries, retryDelay, timeout);
    }

    private static ScheduleSettings shorthand(ConfigValue v, String text) {
        String t = text.trim();
        if (t.equals("continuous")) {
            return ScheduleSettings.empty().withCadence(Optional.of(true), Optional.empty(), Optional.empty());
        }
        if (t.matches("\\d+\\s*(ms|s|m|h|d)")) {
            return ScheduleSettings.empty().withCadence(Optional.empty(), Optional.of(Durations.parse(t)), Optional.empty());
        }
        if (t.startsWith("@") || t.split("\\s+").length == 5) {
            if (validCron(v, t)) {
                return ScheduleSettings.empty().withCadence(Optional.empty(), Optional.empty(), Optional.of(t));
            }
            return ScheduleSettings.empty();
        }
        v.problem("expected 'continuous', a duration such as 1d or 15m, a cron expression such as '0 6 * * *' "
                + "or @daily, or a mapping of schedule settings; got '" + t + "'");
        return ScheduleSettings.empty();
    }

    private static boolean validCron(ConfigValue v, String text) {
        try {
            CronSyntax.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            v.problem("not a valid cron expression ('minute hour day-of-month month day-of-week', or @hourly, "
                    + "@daily, @weekly, @monthly, @yearly): " + e.getMessage());
            return false;
        }
    }

    /** {@code 2022-10-02} (midnight UTC), {@code 2022-10-02T06:00} (UTC) or {@code 2022-10-02T06:00:00+02:00}. */
    static Optional<Instant> instant(ConfigValue v) {
        return v.asString().flatMap(text -> {
            String t = text.trim();
            try {
                if (t.length() == 10) {
                    return Optional.of(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
                }
                try {
                    return Optional.of(OffsetDateTime.parse(t).toInstant());
                } catch (DateTimeParseException e) {
                    return Optional.of(LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
                }
            } catch (DateTimeParseException e) {
                v.problem("expected a date such as 2022-10-02 or a time such as 2022-10-02T06:00 (UTC), got '" + t + "'");
                return Optional.empty();
            }
        });
    }

    /** A duration with an optional sign: {@code -1d}, {@code +6h}, {@code 2h}. */
    static Optional<Duration> signedDuration(ConfigValue v) {
        return v.asString().flatMap(text -> {
            String t = text.trim();
            boolean negative = t.startsWith("-");
            String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
            try {
                Duration d = Durations.parse(body);
                return Optional.of(negative ? d.negated() : d);
            } catch (IllegalArgumentException e) {
                v.problem("expected a duration such as -1d (the day before the schedule date), 6h or 0s, got '" + t + "'");
                return Optional.empty();
            }
        });
    }
}
