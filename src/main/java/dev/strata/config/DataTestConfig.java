package dev.strata.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One data test as declared: under {@code tests:} of a source, a hub, link or satellite, or a mart
 * (a mart's {@code checks:} are read as tests of kind {@link Kind#SQL}), or a file
 * {@code tests/<name>.sql}. Which settings a kind uses is documented at {@link Kind}; the reader
 * has checked that each kind got exactly the settings it takes. See {@code docs/tests.md}.
 *
 * @param node       the node the test is declared on; empty for a file under {@code tests/}, which
 *                   is attached to a node once its {@code ref()}s are known
 * @param columns    the columns (for a source: STG columns or JSON paths into {@code _payload})
 * @param values     {@code accepted_values}: the allowed values, compared as text
 * @param to         {@code relationships}: the node whose {@code field} must hold each value;
 *                   {@code row_count}: the node ({@code equal_to}) whose row count must be equal
 * @param min        {@code row_count}: fewest rows allowed
 * @param max        {@code row_count}: most rows allowed
 * @param maxAge     {@code freshness}: how old the newest value of the column may be
 * @param expression {@code expression}: a boolean SQL expression over the relation's columns
 * @param sql        {@code sql}: a query returning the offending rows (templated like a mart)
 * @param file       {@code sql} given as {@code file:}, relative to the project folder
 * @param where      a SQL condition limiting the rows tested
 */
public record DataTestConfig(String name, Optional<String> node, Kind kind, List<Column> columns, List<String> values,
                             Optional<NodeRef> to, Optional<String> field, Optional<Long> min, Optional<Long> max,
                             Optional<Duration> maxAge, Optional<String> expression, Optional<String> sql,
                             Optional<Path> file, Severity severity, Optional<String> where, Position position) {
    public DataTestConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        columns = List.copyOf(columns);
        values = List.copyOf(values);
    }

    /** A column named by a test, with where it is written. For sources it may be a JSON path ({@code $.a.b}). */
    public record Column(String name, Position position) {
        public boolean isJsonPath() {
            return name.startsWith("$");
        }
    }

    /** A node named by a test ({@code to:}, {@code equal_to:}), with where it is written. */
    public record NodeRef(String name, Position position) {
    }

    /** The kinds of test. */
    public enum Kind {
        /** No NULL in one column (one test per column listed). */
        NOT_NULL("not_null"),
        /** No two rows with the same values in the columns, taken together. */
        UNIQUE("unique"),
        /** Every non-NULL value of the column is one of {@code values}. */
        ACCEPTED_VALUES("accepted_values"),
        /** Every non-NULL value of the column exists in {@code to.field}. */
        RELATIONSHIPS("relationships"),
        /** The row count is within {@code [min, max]}, or equal to {@code to}'s. */
        ROW_COUNT("row_count"),
        /** The newest value of the column is at most {@code max_age} old. */
        FRESHNESS("freshness"),
        /** {@code expression} is true for every row (NULL counts as false). */
        EXPRESSION("expression"),
        /** A query returning the offending rows (dbt's singular test, a mart's {@code checks:}). */
        SQL("sql"),
        /** Generated for every vault table: keys exist in their hubs and parents, hash keys follow the standard. */
        VAULT_INTEGRITY("vault_integrity");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        /** The kinds a user may declare (not the generated ones). */
        public static final List<String> DECLARABLE = List.of("not_null", "unique", "accepted_values", "relationships",
                "row_count", "freshness", "expression", "sql");

        public static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no test kind '" + word + "'");
        }
    }

    /** What a failing test does: {@code error} fails the task (and rolls it back), {@code warn} is recorded only. */
    public enum Severity {
        ERROR, WARN;

        public String word() {
            return name().toLowerCase();
        }

        public static final String[] WORDS = {"error", "warn"};

        public static Severity of(String word) {
            return valueOf(word.toUpperCase());
        }
    }
}
