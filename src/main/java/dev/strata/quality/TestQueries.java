package dev.strata.quality;

import dev.strata.config.ColumnType;
import dev.strata.config.DataTestConfig;
import dev.strata.config.DataTestConfig.Column;
import dev.strata.config.JsonPath;
import dev.strata.graph.Relation;
import dev.strata.warehouse.SqlDialect;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The offending-rows query of each built-in test kind, built with the {@link Dialect}: names
 * quoted, values bound as parameters, no vendor syntax. The tested relation is aliased {@code t};
 * user-written fragments ({@code where:}, {@code expression:}) are put in parentheses as given.
 * A source's JSON-path column reads {@code _payload} through the dialect's {@code jsonText}.
 */
final class TestQueries {
    private static final String PAYLOAD = "_payload";
    private final SqlDialect d;

    TestQueries(SqlDialect dialect) {
        this.d = dialect;
    }

    /**
     * The query of a built-in test of {@code relation}. {@code timeColumn}: for an incremental mart,
     * the column placing rows in an interval (an interval scope then limits the rows tested).
     * {@code other}: the relation of {@code to:} / {@code equal_to:}, when the test has one.
     */
    DataTest.Query query(DataTestConfig t, Relation relation, Optional<String> timeColumn, Optional<Relation> other,
                         Optional<String> ghostKeyColumn) {
        return scope -> {
            List<Object> params = new ArrayList<>();
            String from = scope.relation().orElse(relation.qualified(d)) + " t";
            // a vault table's ghost record is no data: built-in tests never see it
            String filter = ghostKeyColumn.map(c -> "t." + d.quote(c) + " <> "
                    + d.hashKeyLiteral(dev.strata.vault.HashStandard.GHOST_KEY) + " AND ").orElse("")
                    + filter(t, timeColumn, scope, params);
            String sql = switch (t.kind()) {
                case NOT_NULL -> "SELECT t.* FROM " + from + " WHERE " + filter + expr(t.columns().get(0)) + " IS NULL";
                case UNIQUE -> {
                    String keys = t.columns().stream().map(this::expr).collect(Collectors.joining(", "));
                    String named = t.columns().stream().map(c -> expr(c) + " AS " + d.quote(label(c))).collect(Collectors.joining(", "));
                    yield "SELECT " + named + ", count(*) AS " + d.quote("rows") + " FROM " + from + " WHERE " + filter
                            + "1 = 1 GROUP BY " + keys + " HAVING count(*) > 1";
                }
                case ACCEPTED_VALUES -> {
                    String e = expr(t.columns().get(0));
                    params.addAll(t.values());
                    yield "SELECT " + e + " AS " + d.quote("value") + ", count(*) AS " + d.quote("rows") + " FROM " + from
                            + " WHERE " + filter + e + " IS NOT NULL AND " + d.cast(e, ColumnType.TEXT) + " NOT IN ("
                            + String.join(", ", java.util.Collections.nCopies(t.values().size(), "?")) + ") GROUP BY " + e;
                }
                case RELATIONSHIPS -> {
                    Column c = t.columns().get(0);
                    String field = "p." + d.quote(t.field().orElseThrow());
                    // a JSON path is text: compare the parent's key as text too
                    String parentKey = c.isJsonPath() ? d.cast(field, ColumnType.TEXT) : field;
                    yield "SELECT " + expr(c) + " AS " + d.quote(label(c)) + " FROM " + from + " WHERE " + filter + expr(c)
                            + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + other.orElseThrow().qualified(d) + " p WHERE "
                            + parentKey + " = " + expr(c) + ")";
                }
                case ROW_COUNT -> {
                    String count = "(SELECT count(*) AS n FROM " + from + " WHERE " + filter + "1 = 1) a";
                    if (other.isPresent()) {
                        yield "SELECT a.n AS " + d.quote("rows") + ", b.n AS " + d.quote("rows_of_" + t.to().orElseThrow().name())
                                + " FROM " + count + " CROSS JOIN (SELECT count(*) AS n FROM " + other.get().qualified(d)
                                + ") b WHERE a.n <> b.n";
                    }
                    List<String> bounds = new ArrayList<>();
                    t.min().ifPresent(m -> {
                        bounds.add("a.n < ?");
                        params.add(m);
                    });
                    t.max().ifPresent(m -> {
                        bounds.add("a.n > ?");
                        params.add(m);
                    });
                    yield "SELECT a.n AS " + d.quote("rows") + " FROM " + count + " WHERE " + String.join(" OR ", bounds);
                }
                case FRESHNESS -> {
                    // the newest value of the whole relation (a where: still applies), not of one interval
                    List<Object> own = new ArrayList<>();
                    String userWhere = t.where().map(w -> "(" + w + ")").orElse("1 = 1");
                    Column c = t.columns().get(0);
                    String e = c.isJsonPath() ? d.cast(expr(c), ColumnType.TIMESTAMPTZ) : expr(c);
                    own.add(OffsetDateTime.ofInstant(scope.reference().minus(t.maxAge().orElseThrow()), ZoneOffset.UTC));
                    params.clear();
                    params.addAll(own);
                    yield "SELECT m.newest AS " + d.quote("newest_" + label(c)) + " FROM (SELECT max(" + e + ") AS newest FROM "
                            + from + " WHERE " + userWhere + ") m WHERE m.newest IS NULL OR m.newest < ?";
                }
                case EXPRESSION -> "SELECT t.* FROM " + from + " WHERE " + filter + "NOT COALESCE((" + t.expression().orElseThrow()
                        + "), FALSE)";
                default -> throw new IllegalStateException("not a built-in test: " + t.kind());
            };
            return new BoundSql(sql, params, false);
        };
    }

    /** {@code (where) AND time_column >= ? AND time_column < ? AND } — what limits the rows tested, ready to be continued. */
    private String filter(DataTestConfig t, Optional<String> timeColumn, TestScope scope, List<Object> params) {
        StringBuilder sb = new StringBuilder();
        t.where().ifPresent(w -> sb.append('(').append(w).append(") AND "));
        if (timeColumn.isPresent() && scope.hasInterval()) {
            String tc = "t." + d.quote(timeColumn.get());
            sb.append(tc).append(" >= ? AND ").append(tc).append(" < ? AND ");
            params.add(OffsetDateTime.ofInstant(scope.start().orElseThrow(), ZoneOffset.UTC));
            params.add(OffsetDateTime.ofInstant(scope.end().orElseThrow(), ZoneOffset.UTC));
        }
        return sb.toString();
    }

    private String expr(Column c) {
        if (c.isJsonPath()) {
            return d.jsonText("t." + d.quote(PAYLOAD), JsonPath.parse(c.name()));
        }
        return "t." + d.quote(c.name());
    }

    /** A column's name in results: the column itself, or the JSON path as a name ({@code payload_user_id}). */
    static String label(Column c) {
        if (!c.isJsonPath()) {
            return c.name();
        }
        String s = c.name().replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("^_+|_+$", "");
        s = s.isEmpty() ? "payload" : Character.isDigit(s.charAt(0)) ? "p_" + s : s;
        return s.length() > 60 ? s.substring(0, 60) : s;
    }
}
