package dev.strata.quality;

import java.util.List;

/**
 * A test's query with its bind values. {@code plain}: the SQL was written by a user (an {@code sql}
 * test) and is sent as it is, without parameters, since it may contain {@code ?} operators.
 */
public record BoundSql(String sql, List<Object> params, boolean plain) {
    public BoundSql {
        params = List.copyOf(params);
    }

    static BoundSql user(String sql) {
        return new BoundSql(sql, List.of(), true);
    }

    /** Inlines the bind values for display ({@code strata plan}); never executed. */
    public String display() {
        if (plain || params.isEmpty()) {
            return sql;
        }
        StringBuilder out = new StringBuilder();
        int p = 0;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '?' && p < params.size()) {
                Object v = params.get(p++);
                out.append(v instanceof Number ? v.toString() : "'" + String.valueOf(v).replace("'", "''") + "'");
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
