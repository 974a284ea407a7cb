package dev.strata.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One mart (or SQL task) as declared in {@code strata.yaml} under {@code marts:}, or found as a
 * file {@code marts/<name>.sql} with no declaration. The file may refine these settings with a
 * {@code {{ config(...) }}} header; {@code dev.strata.marts} merges the two.
 *
 * @param file          the SQL template, relative to the project folder
 * @param materialized  empty when not set in {@code strata.yaml} (the file header or the default decides)
 * @param schema        empty when not set (the default is {@value #DEFAULT_SCHEMA})
 * @param timeColumn    the column that places an incremental mart's rows in an interval
 * @param uniqueKey     columns checked to be unique after each build (empty: no check)
 * @param dependsOn     extra upstream nodes that no {@code ref()} names (ordering between SQL tasks)
 * @param checks        data-quality queries: each returns the offending rows; any row fails the run
 *                      and rolls back its transaction
 * @param position      where the mart is declared (or its file, line 1, when undeclared)
 * @param call          a task that calls a procedure ({@code call: insert_procedure_info()}) instead of a file
 */
public record MartConfig(String name, Path file, Optional<Materialization> materialized, Optional<String> schema,
                         Optional<String> timeColumn, List<String> uniqueKey, List<NamedRef> dependsOn,
                         List<Check> checks, Position position, Optional<Call> call) {
    public static final String DEFAULT_SCHEMA = "cdm";

    public MartConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(file);
        uniqueKey = List.copyOf(uniqueKey);
        dependsOn = List.copyOf(dependsOn);
        checks = List.copyOf(checks);
        call = call == null ? Optional.empty() : call;
    }

    /** A mart or SQL task read from its file. */
    public MartConfig(String name, Path file, Optional<Materialization> materialized, Optional<String> schema,
                      Optional<String> timeColumn, List<String> uniqueKey, List<NamedRef> dependsOn,
                      List<Check> checks, Position position) {
        this(name, file, materialized, schema, timeColumn, uniqueKey, dependsOn, checks, position, Optional.empty());
    }

    /**
     * {@code call: name(args)}: an SQL task that calls a procedure the project deploys (or any the
     * warehouse has). {@code text} is templated like a task's SQL ({@code call: load_day('{{ ds }}')}).
     */
    public record Call(String text, Position position) {
    }

    /** How a mart's select becomes a relation. */
    public enum Materialization {
        /** {@code CREATE VIEW}: nothing stored, always current. */
        VIEW,
        /** Build into a new table, swap it in by rename in one transaction. */
        TABLE,
        /** Delete the interval's rows and insert the new ones in one transaction. */
        INCREMENTAL,
        /** The file is a list of SQL statements run in one transaction per interval; it creates nothing itself. */
        SCRIPT;

        public String word() {
            return name().toLowerCase();
        }

        public static final String[] WORDS = {"view", "table", "incremental", "script"};

        public static Materialization of(String word) {
            return valueOf(word.toUpperCase());
        }
    }

    /** A reference to another node by name, with where it is written. */
    public record NamedRef(String name, Position position) {
    }

    /**
     * A data-quality check: an SQL query (inline, or {@code file:} relative to the project) that
     * returns the rows violating a rule. Templated like the mart itself.
     */
    public record Check(String name, Optional<String> sql, Optional<Path> file, Position position) {
    }
}
