package dev.strata.warehouse.postgres;

import dev.strata.config.ColumnType;
import dev.strata.config.JsonPath;
import dev.strata.warehouse.SqlScript;
import dev.strata.warehouse.StandardSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PostgreSQL's SQL spelling: {@code jsonb} with its path operators, {@code uuid} hash keys,
 * {@code DISTINCT ON}, {@code ON CONFLICT}, data-modifying CTEs. Quoting and literals are the
 * standard ones ({@code standard_conforming_strings} is on by default since 9.1).
 */
final class PostgresSql extends StandardSql {

    /** BRIN: one summary per 128 pages instead of one entry per row; the runs of a date are contiguous. */
    @Override
    public String createLoadOrderIndex(String indexName, String schema, String table, String column) {
        return "CREATE INDEX IF NOT EXISTS " + quote(indexName) + " ON " + qualified(schema, table) + " USING brin ("
                + quote(column) + ")";
    }

    @Override
    public String jsonType() {
        return "jsonb";
    }

    @Override
    public String timestampType() {
        return "timestamptz";
    }

    @Override
    public String hashKeyType() {
        return "uuid";
    }

    @Override
    public String bytesType() {
        return "bytea";
    }

    @Override
    public String textType() {
        return "text";
    }

    @Override
    public String keyTextType() {
        // "C" compares with memcmp; a database collation such as C.UTF-8 or en_US goes through
        // strcoll for every btree comparison (about 10% of a landing COPY's server time).
        return "text COLLATE \"C\"";
    }

    @Override
    public String jsonText(String jsonExpr, JsonPath path) {
        return path.isRoot() ? "(" + jsonExpr + ")::text" : "(" + jsonExpr + " #>> " + pathLiteral(path) + ")";
    }

    @Override
    public String jsonValue(String jsonExpr, JsonPath path) {
        return path.isRoot() ? jsonExpr : "(" + jsonExpr + " #> " + pathLiteral(path) + ")";
    }

    private String pathLiteral(JsonPath path) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < path.segments().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            // text[] literal element: always double-quoted, with \ and " escaped
            sb.append('"').append(path.segments().get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal(sb.append('}').toString()) + "::text[]";
    }

    @Override
    public String sqlType(ColumnType type) {
        return switch (type.kind()) {
            case TEXT -> "text";
            case VARCHAR -> "character varying(" + type.precision() + ")";
            case SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case NUMERIC -> type.precision() > 0 ? "numeric(" + type.precision() + "," + type.scale() + ")" : "numeric";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case JSON -> "jsonb";
            case HASH_KEY -> "uuid";
        };
    }

    @Override
    public String canonicalText(String expr, ColumnType type) {
        return switch (type.kind()) {
            case TEXT, VARCHAR -> expr;
            case DATE -> "to_char(" + expr + ", 'YYYY-MM-DD')";
            case TIMESTAMP -> "to_char(" + expr + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
            case TIMESTAMPTZ -> "to_char((" + expr + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
            // numbers print as plain decimals; double precision in its shortest exact form
            // (extra_float_digits = 1, set by deterministicTransactionSettings); booleans as true/false
            default -> "CAST(" + expr + " AS text)";
        };
    }

    @Override
    public String isValidInput(String textExpr, ColumnType type) {
        // PostgreSQL 16 and later; on older servers the diagnostic query fails and is skipped
        return "pg_input_is_valid(" + textExpr + ", " + literal(sqlType(type)) + ")";
    }

    @Override
    public String trimWhitespace(String expr) {
        return "btrim(" + expr + ", E' \\t\\n\\r\\f\\x0b')";
    }

    @Override
    public String asciiUpper(String expr) {
        // With the "C" collation upper() maps a-z only, on every PostgreSQL version and platform.
        return "upper((" + expr + ") COLLATE \"C\")";
    }

    @Override
    public String md5HashKey(String textExpr) {
        // md5() hashes the text's bytes in the server encoding, which Strata requires to be UTF-8
        // (VaultLoader checks it against the Java reference before loading).
        return "CAST(md5(" + textExpr + ") AS uuid)";
    }

    @Override
    public String md5Hex(String textExpr) {
        return "md5(" + textExpr + ")";
    }

    @Override
    public String orderedConcat(String textExpr) {
        // string_agg takes its ORDER BY inside the call; PostgreSQL has no LISTAGG
        return "string_agg(" + textExpr + ", '' ORDER BY " + codePointOrder(textExpr) + ")";
    }

    @Override
    public String hashKeyLiteral(UUID key) {
        return "CAST('" + key + "' AS uuid)";
    }

    @Override
    public String jsonScalarText(String jsonExpr) {
        return "(" + jsonExpr + " #>> '{}')";
    }

    @Override
    public String jsonArrayItemsJoin(String jsonArrayExpr, String alias) {
        return "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(" + jsonArrayExpr + ") = 'array' THEN "
                + jsonArrayExpr + " ELSE '[]'::jsonb END) WITH ORDINALITY AS " + quote(alias) + "(item, ord)";
    }

    @Override
    public String subqueryFence() {
        // PostgreSQL never pulls up a subquery that has OFFSET
        return " OFFSET 0";
    }

    @Override
    public String firstPerGroup(String from, String alias, List<String> groupBy, List<String> orderBy) {
        // DISTINCT ON keeps the first row of each group straight off the sort; the window and the
        // filter on its rank cost about a tenth of a satellite load over a million rows
        List<String> order = new ArrayList<>(groupBy);
        order.addAll(orderBy);
        return "SELECT DISTINCT ON (" + String.join(", ", groupBy) + ") " + alias + ".*\n"
                + "    FROM (\n" + from + "    ) " + alias + "\n"
                + "    ORDER BY " + String.join(", ", order);
    }

    @Override
    public String createTempTable(String name, String columnDefinitions) {
        return "CREATE TEMPORARY TABLE IF NOT EXISTS " + quote(name) + " (" + columnDefinitions + ") ON COMMIT DELETE ROWS";
    }

    @Override
    public String insertSkippingConflicts(String qualifiedTarget, List<String> columns, String rows,
                                          List<String> conflictColumns) {
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ") " + rows
                + " ON CONFLICT (" + quotedList(conflictColumns) + ") DO NOTHING";
    }

    @Override
    public String upsert(String qualifiedTarget, List<String> columns, String rows, List<String> conflictColumns,
                         List<String> updateColumns) {
        StringBuilder set = new StringBuilder();
        for (String c : updateColumns) {
            set.append(set.length() == 0 ? "" : ", ").append(quote(c)).append(" = EXCLUDED.").append(quote(c));
        }
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ") " + rows
                + " ON CONFLICT (" + quotedList(conflictColumns) + ") DO UPDATE SET " + set;
    }

    @Override
    public String toJson(String textExpression) {
        return "(" + textExpression + ")::jsonb";
    }

    @Override
    public boolean jsonAcceptsNulCharacter() {
        return false;
    }



    @Override
    public UUID readHashKey(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    @Override
    public void bindHashKey(PreparedStatement ps, int index, UUID key) throws SQLException {
        ps.setObject(index, key);
    }

    @Override
    public String utcDate(String timestampExpr) {
        return "((" + timestampExpr + ") AT TIME ZONE 'UTC')::date";
    }

    @Override
    public String latestRowJoin(String table, String keyColumn, String orderColumn, List<String> columns,
                                String outerKey, String alias, String guard) {
        // LATERAL with ORDER BY ... LIMIT 1 walks the (key, order) index backwards: one probe per row
        return super.latestRowJoin(table, keyColumn, orderColumn, columns, outerKey, alias, guard);
    }

    /**
     * One statement: the select as a CTE and each write as a data-modifying CTE (PostgreSQL runs
     * each exactly once, all on the statement's snapshot, whether the main query reads it or not).
     * When one write is counted it is the main statement, whose update count is the count: a
     * {@code RETURNING} row per written row, kept and counted, cost ~0.4 s a million rows. Several
     * counted writes return a row per row written, which the final select adds up. The rows are
     * computed once, without a scratch table.
     */
    @Override
    public SqlScript writeFromSelect(String select, List<Write> writes, java.util.Set<Integer> counted) {
        StringBuilder sql = new StringBuilder("WITH o AS (\n").append(select).append("\n)");
        int main = counted.size() == 1 ? counted.iterator().next() : -1;
        List<String> sums = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            if (i == main) {
                continue;
            }
            String returning = counted.contains(i) ? "\n  RETURNING 1" : "";
            sql.append(", w").append(i).append(" AS (\n").append(write(writes.get(i))).append(returning).append("\n)");
            if (counted.contains(i)) {
                sums.add("(SELECT count(*) FROM w" + i + ")");
            }
        }
        if (main >= 0) {
            return SqlScript.of(sql.append('\n').append(write(writes.get(main))).toString());
        }
        sql.append("\nSELECT ").append(sums.isEmpty() ? "0" : String.join(" + ", sums));
        return SqlScript.of(sql.toString());
    }

    /** One write of {@link #writeFromSelect} over the select's rows {@code o}, as a statement. */
    private String write(Write w) {
        StringBuilder sql = new StringBuilder();
        if (w instanceof InsertSpec in) {
            sql.append("  INSERT INTO ").append(in.qualifiedTable()).append(" (").append(quotedList(in.columns())).append(")\n")
                    .append("  SELECT ").append(String.join(", ", in.values())).append(" FROM o\n")
                    .append("  WHERE ").append(in.where());
            if (!in.conflictColumns().isEmpty()) {
                StringBuilder set = new StringBuilder();
                for (String c : in.updateColumns()) {
                    set.append(set.length() == 0 ? "" : ", ").append(quote(c)).append(" = excluded.").append(quote(c));
                }
                sql.append("\n  ON CONFLICT (").append(quotedList(in.conflictColumns())).append(") DO UPDATE SET ").append(set);
            }
        } else if (w instanceof UpdateSpec up) {
            StringBuilder set = new StringBuilder();
            for (int c = 0; c < up.setColumns().size(); c++) {
                set.append(c == 0 ? "" : ", ").append(quote(up.setColumns().get(c))).append(" = ").append(up.setValues().get(c));
            }
            sql.append("  UPDATE ").append(up.qualifiedTable()).append(" t SET ").append(set).append("\n  FROM o WHERE (")
                    .append(up.where()).append(')');
            for (int k = 0; k < up.keyColumns().size(); k++) {
                sql.append(" AND t.").append(quote(up.keyColumns().get(k))).append(" = ").append(up.keyValues().get(k));
            }
        }
        return sql.toString();
    }
}
