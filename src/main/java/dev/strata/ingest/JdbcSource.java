package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Identifiers;
import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.SourceColumn;
import dev.strata.warehouse.SourceReads;
import dev.strata.warehouse.SourceType;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouses;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * One {@code jdbc} source's database: connecting (plain JDBC, read-only, auto-commit off so that
 * drivers stream with a fetch size), the relation it reads, its columns and the types they land
 * as. Source SQL is standard SQL with identifiers quoted by the driver's own quote string
 * ({@code DatabaseMetaData.getIdentifierQuoteString}), so any database with a JDBC driver can be
 * read; {@link SourceReads} of the database's adapter (when Strata has one) refines the type
 * mapping and offers a bulk export. Thread-safe; holds no connection.
 */
final class JdbcSource {
    /** Names Strata gives its own STG columns: a source column may not take one. */
    static final Set<String> RESERVED = Set.of(StgTable.SEQ, StgTable.KEY, StgTable.LOADED_AT, StgTable.BATCH_ID,
            JdbcStgTable.SNAPSHOT_DATE);

    private final SourceConfig config;
    private final JdbcSourceSpec spec;
    private final SourceReads reads;

    JdbcSource(SourceConfig config) {
        this.config = config;
        this.spec = (JdbcSourceSpec) config.spec();
        this.reads = Warehouses.sourceReads(spec.url());
    }

    String name() {
        return config.name();
    }

    JdbcSourceSpec spec() {
        return spec;
    }

    SourceReads reads() {
        return reads;
    }

    /** A new connection to the source: read-only, auto-commit off (PostgreSQL streams a result only inside a transaction). */
    Connection connect() {
        Properties props = new Properties();
        if (!spec.user().isEmpty()) {
            props.setProperty("user", spec.user());
        }
        if (!spec.password().isEmpty()) {
            props.setProperty("password", spec.password().reveal());
        }
        try {
            Connection c = DriverManager.getConnection(spec.url(), props);
            try {
                c.setReadOnly(true);
                c.setAutoCommit(false);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("no suitable driver")) {
                throw new StrataException(ErrorCode.CONFIG, where() + ": no JDBC driver on the class path accepts "
                        + spec.redactedUrl() + " (Strata includes drivers for jdbc:postgresql: and jdbc:mariadb:, "
                        + "which also reads MySQL; add another driver's jar to the class path for other databases)", e);
            }
            throw new StrataException(ErrorCode.SOURCE_UNAVAILABLE, where() + ": cannot connect to " + spec.redactedUrl()
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@code source 'orders' (strata.yaml:12)}: how messages name the source. */
    String where() {
        return "source '" + config.name() + "' (" + config.position() + ")";
    }

    /** Quotes a name for the source database: its driver's quote string, doubled inside. */
    static String quote(Connection c, String name) throws SQLException {
        String q = c.getMetaData().getIdentifierQuoteString();
        if (q == null || q.isBlank()) {
            return name;
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a name cannot contain a NUL character");
        }
        return q + name.replace(q, q + q) + q;
    }

    /** What the source reads, as a FROM item: the quoted table, or the query as a derived table. */
    String from(Connection c) throws SQLException {
        if (spec.query().isPresent()) {
            return "(" + spec.query().get() + ") " + quote(c, "q");
        }
        return (spec.schemaName().isPresent() ? quote(c, spec.schemaName().get()) + "." : "") + quote(c, spec.tableName().orElseThrow());
    }

    /** The same, quoted without a connection ({@code strata plan}): by the source database's dialect when Strata knows it. */
    String fromForDisplay() {
        Optional<SqlDialect> d = Warehouses.dialectOf(spec.url());
        java.util.function.UnaryOperator<String> q = n -> d.map(x -> x.quote(n)).orElse("\"" + n + "\"");
        if (spec.query().isPresent()) {
            return "(" + spec.query().get() + ") " + q.apply("q");
        }
        return spec.schemaName().map(s -> q.apply(s) + ".").orElse("") + q.apply(spec.tableName().orElseThrow());
    }

    /** The columns the source's relation has now, as its driver describes them (no row is read). */
    List<SourceColumn> describe(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + from(c) + " WHERE 1 = 0")) {
            List<SourceColumn> cols = SourceColumn.of(rs.getMetaData());
            c.commit();
            return cols;
        } catch (SQLException e) {
            rollbackQuietly(c);
            throw new StrataException(ErrorCode.SOURCE_UNAVAILABLE, where() + ": cannot read "
                    + spec.table().map(t -> "table " + t).orElse("its query") + " of " + spec.redactedUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The types the columns land as. Every column Strata cannot land (an unsupported type, a name
     * that cannot be a warehouse column) is named in one error, with what to do about it.
     */
    List<LandedColumn> map(List<SourceColumn> columns) {
        List<LandedColumn> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (SourceColumn c : columns) {
            if (!Identifiers.isSafe(c.name())) {
                problems.add("column '" + c.name() + "' cannot be a warehouse column name (" + Identifiers.RULE
                        + "): rename it in a query: (SELECT ... AS new_name)");
                continue;
            }
            if (RESERVED.contains(c.name())) {
                problems.add("column '" + c.name() + "' has the name of a column Strata adds to every STG table; "
                        + "rename it in a query: (SELECT " + c.name() + " AS other_name ...)");
                continue;
            }
            if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                problems.add("column '" + c.name() + "' appears twice (names are compared without case)");
                continue;
            }
            Optional<SourceType> t = reads.typeOf(c);
            if (t.isEmpty()) {
                problems.add("column '" + c.name() + "' has type " + c.describeType() + ", which Strata cannot land "
                        + "(it lands booleans, integers, decimals, floating point, text, dates, timestamps with and "
                        + "without time zone, JSON and bytes); cast it in a query:, e.g. CAST(" + c.name() + " AS varchar(100))");
                continue;
            }
            out.add(LandedColumn.of(c, t.get()));
        }
        if (out.isEmpty() && problems.isEmpty()) {
            problems.add("it has no columns");
        }
        if (!problems.isEmpty()) {
            throw new StrataException(ErrorCode.CONFIG, where() + " cannot be landed:\n  " + String.join("\n  ", problems));
        }
        return List.copyOf(out);
    }

    /** The incremental source's cursor column among {@code columns}, checked to be one a cursor can be. */
    LandedColumn cursor(List<LandedColumn> columns) {
        String name = spec.cursor().orElseThrow();
        LandedColumn c = columns.stream().filter(x -> x.name().equals(name)).findFirst()
                .or(() -> columns.stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst())
                .orElseThrow(() -> new StrataException(ErrorCode.CONFIG, where() + ": cursor column '" + name
                        + "' is not a column of " + spec.table().orElse("the query") + " (columns: "
                        + String.join(", ", columns.stream().map(LandedColumn::name).toList()) + ")"));
        if (!c.type().isCursorable()) {
            throw new StrataException(ErrorCode.CONFIG, where() + ": cursor column '" + c.name() + "' has type "
                    + c.sourceType() + "; a cursor must be an integer, a decimal, a date or a timestamp, whose greater "
                    + "values mark newer rows");
        }
        spec.lookback().ifPresent(l -> {
            if (c.type().isTemporal() && l.duration().isEmpty()) {
                throw new StrataException(ErrorCode.CONFIG, where() + ": lookback " + l + " is a number, but cursor '"
                        + c.name() + "' is a " + c.type() + "; give a duration such as 10m");
            }
            if (!c.type().isTemporal() && l.amount().isEmpty()) {
                throw new StrataException(ErrorCode.CONFIG, where() + ": lookback " + l + " is a duration, but cursor '"
                        + c.name() + "' is a number (" + c.sourceType() + "); give a number such as 1000");
            }
        });
        return c;
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; it is closed next
        }
    }
}
