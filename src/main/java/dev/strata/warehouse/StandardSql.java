package dev.strata.warehouse;

import dev.strata.config.ColumnType;
import dev.strata.config.Identifiers;
import java.util.List;

/**
 * The standard-SQL spellings shared by adapters, in the spirit of dbt's {@code default__} macros:
 * an adapter extends this and overrides only what its database spells differently. Everything
 * here is ISO SQL (double-quoted identifiers, {@code ||}, {@code CAST}, window functions,
 * {@code LATERAL}, {@code IS NOT DISTINCT FROM}).
 */
public abstract class StandardSql implements SqlDialect {
    @Override
    public String quote(String identifier) {
        return "\"" + Identifiers.require(identifier) + "\"";
    }

    @Override
    public String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot appear in an SQL string literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String createSchemaIfNotExists(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
    }

    @Override
    public String dropSchemaIfExists(String schema) {
        return "DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE";
    }

    @Override
    public String concat(List<String> exprs) {
        return "(" + String.join(" || ", exprs) + ")";
    }

    @Override
    public String canonicalText(String expr, ColumnType type) {
        return switch (type.kind()) {
            case TEXT, VARCHAR -> expr;
            default -> "CAST(" + expr + " AS " + textType() + ")";
        };
    }

    @Override
    public String subqueryFence() {
        return "";
    }

    /** Ranks the rows with {@code row_number()} and keeps rank 1 (the rank column {@code _rn} is part of the result). */
    @Override
    public String firstPerGroup(String from, String alias, List<String> groupBy, List<String> orderBy) {
        return "SELECT " + alias + ".* FROM (\n"
                + "    SELECT " + alias + ".*, row_number() OVER (PARTITION BY " + String.join(", ", groupBy)
                + " ORDER BY " + String.join(", ", orderBy) + ") AS _rn\n"
                + "    FROM (\n" + from + "    ) " + alias + "\n"
                + "  ) " + alias + " WHERE " + alias + "._rn = 1";
    }

    @Override
    public String latestRowJoin(String table, String keyColumn, String orderColumn, List<String> columns,
                                String outerKey, String alias, String guard) {
        StringBuilder cols = new StringBuilder();
        for (String c : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append("t.").append(c);
        }
        return "LEFT JOIN LATERAL (SELECT " + cols + " FROM " + table + " t\n"
                + "    WHERE " + (guard == null ? "" : guard + " AND ") + "t." + keyColumn + " = " + outerKey + "\n"
                + "    ORDER BY t." + orderColumn + " DESC LIMIT 1) " + alias + " ON TRUE";
    }

    /** SQL:2016's ordered-set aggregate {@code LISTAGG ... WITHIN GROUP}. */
    @Override
    public String orderedConcat(String textExpr) {
        return "LISTAGG(" + textExpr + ", '') WITHIN GROUP (ORDER BY " + codePointOrder(textExpr) + ")";
    }

    /** SQL:2003's {@code UCS_BASIC} collation: code point order (PostgreSQL has it for UTF-8 databases). */
    @Override
    public String codePointOrder(String textExpr) {
        return "(" + textExpr + ") COLLATE UCS_BASIC";
    }

    @Override
    public String nullSafeEquals(String a, String b) {
        return a + " IS NOT DISTINCT FROM " + b;
    }

    @Override
    public String utcDate(String timestampExpr) {
        return "CAST((" + timestampExpr + ") AT TIME ZONE 'UTC' AS DATE)";
    }

    /**
     * Stages the select in a scratch table ({@link #tempTableName}{@code ("strata_w")}, which any
     * warehouse with temporary tables has), then runs one statement per write: {@code INSERT ...
     * SELECT} from it, the dialect's {@link #upsert}, or the dialect's {@link #updateFrom}. The
     * scratch table is dropped at the end ({@link #dropTempTable}).
     */
    @Override
    public SqlScript writeFromSelect(String select, List<Write> writes, java.util.Set<Integer> counted) {
        String scratch = tempTableName("strata_w");
        List<String> statements = new java.util.ArrayList<>(List.of(createTempTableAs("strata_w", select)));
        List<Integer> counts = new java.util.ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (counted.contains(i)) {
                counts.add(statements.size());
            }
            Write w = writes.get(i);
            if (w instanceof UpdateSpec up) {
                statements.add(updateFrom(up, scratch));
            } else if (w instanceof InsertSpec in && !in.conflictColumns().isEmpty()) {
                statements.add(upsert(in.qualifiedTable(), in.columns(),
                        "SELECT " + String.join(", ", in.values()) + " FROM " + scratch + " o WHERE " + in.where(),
                        in.conflictColumns(), in.updateColumns()));
            } else if (w instanceof InsertSpec in) {
                statements.add("INSERT INTO " + in.qualifiedTable() + " (" + quotedList(in.columns()) + ") SELECT "
                        + String.join(", ", in.values()) + " FROM " + scratch + " o WHERE " + in.where());
            }
        }
        statements.add(dropTempTable("strata_w"));
        return new SqlScript(statements, 0, counts);
    }

    /**
     * The {@code UPDATE} of {@code up} from the rows of {@code scratch} (alias {@code o}): SQL-92's
     * correlated subqueries for the values and the filter; a warehouse with a joined
     * {@code UPDATE} overrides it.
     */
    protected String updateFrom(UpdateSpec up, String scratch) {
        StringBuilder match = new StringBuilder();
        for (int k = 0; k < up.keyColumns().size(); k++) {
            match.append(" AND t.").append(quote(up.keyColumns().get(k))).append(" = ").append(up.keyValues().get(k));
        }
        String rows = "FROM " + scratch + " o WHERE (" + up.where() + ")" + match;
        StringBuilder set = new StringBuilder();
        for (int c = 0; c < up.setColumns().size(); c++) {
            set.append(c == 0 ? "" : ", ").append(quote(up.setColumns().get(c))).append(" = (SELECT ")
                    .append(up.setValues().get(c)).append(' ').append(rows).append(')');
        }
        return "UPDATE " + up.qualifiedTable() + " t SET " + set + " WHERE EXISTS (SELECT 1 " + rows + ")";
    }

    /** {@code CREATE TEMPORARY TABLE name AS select}, dropped by the caller ({@link #dropTempTable}, or at the session's end). */
    protected String createTempTableAs(String table, String select) {
        return "CREATE TEMPORARY TABLE " + tempTableName(table) + " AS " + select;
    }

    /** Drops the scratch table {@code table} made by {@link #createTempTableAs}, without ending the transaction. */
    protected String dropTempTable(String table) {
        return "DROP TABLE " + tempTableName(table);
    }

    /** {@code "a", "b"}. */
    protected String quotedList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(c));
        }
        return sb.toString();
    }
}
