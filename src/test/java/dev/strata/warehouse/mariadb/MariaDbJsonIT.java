package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * (g) JSON on MariaDB 11.4 for the vault's extraction ({@code Dialect.jsonText}, {@code jsonValue},
 * {@code jsonArrayItemsJoin}): paths with awkward keys, JSON null, missing paths, booleans and
 * numbers, and {@code JSON_TABLE} for an {@code each:} array with ordinality. The path is a bind
 * parameter here; a quoted key escapes {@code "} and {@code \} with a backslash.
 */
class MariaDbJsonIT {
    private static final String DOC = "{\"a b\": {\"c.d\": \"x\"}, \"k\\\"q\": 1, \"k\\\\s\": 2, \"日本\": \"語\", \"\": 3,"
            + " \"n\": null, \"t\": true, \"f\": false, \"num\": 1.50, \"exp\": 1e2, \"s\": \"caf\\u00e9 \\\"q\\\"\","
            + " \"obj\": {\"z\": 1, \"a\": [1, 2]}, \"items\": [{\"sku\": \"a\"}, 2, null, \"s\", [1]]}";

    @BeforeAll
    static void table() throws SQLException {
        try (Connection c = SharedMariaDb.connect(); Statement s = c.createStatement()) {
            SharedMariaDb.freshDatabase(c, "json_it");
            s.execute("CREATE TABLE json_it.docs (id INT PRIMARY KEY, doc JSON) ENGINE=InnoDB");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO json_it.docs VALUES (?, ?)")) {
                String[] docs = {DOC, "{}", "{\"items\": null}", "{\"items\": {\"x\": 1}}", "{\"items\": 5}", null, "{\"items\": []}"};
                for (int i = 0; i < docs.length; i++) {
                    ps.setInt(1, i + 1);
                    ps.setString(2, docs[i]);
                    ps.execute();
                }
            }
        }
    }

    /** A JSON path for a list of keys: each one quoted, with {@code "} and {@code \} escaped. */
    static String path(String... keys) {
        StringBuilder sb = new StringBuilder("$");
        for (String k : keys) {
            sb.append(".\"").append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }

    private static String one(String expr, String path) throws SQLException {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("SELECT " + expr + " FROM json_it.docs WHERE id = 1")) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String value(String path) throws SQLException {
        return one("JSON_VALUE(doc, ?)", path);
    }

    private static String unquoted(String path) throws SQLException {
        return one("JSON_UNQUOTE(JSON_EXTRACT(doc, ?))", path);
    }

    /** The text of a scalar as PostgreSQL's {@code #>>} gives it: JSON null is SQL NULL, true is 'true'. */
    private static String scalarText(String path) throws SQLException {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("SELECT CASE JSON_TYPE(JSON_EXTRACT(doc, ?)) WHEN 'NULL' THEN NULL"
                     + " ELSE JSON_UNQUOTE(JSON_EXTRACT(doc, ?)) END FROM json_it.docs WHERE id = 1")) {
            ps.setString(1, path);
            ps.setString(2, path);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void shouldReachAwkwardKeysThroughQuotedPathSegments() throws Exception {
        assertThat(value(path("a b", "c.d"))).isEqualTo("x");
        assertThat(value(path("k\"q"))).isEqualTo("1");
        assertThat(value(path("k\\s"))).isEqualTo("2");
        assertThat(value(path("日本"))).isEqualTo("語");
        assertThat(value(path(""))).isEqualTo("3");
        assertThat(value(path("s"))).as("escapes decoded").isEqualTo("café \"q\"");
        assertThat(value("$.items[0].sku")).isEqualTo("a");
        assertThat(value(path("A B", "c.d"))).as("keys are case-sensitive").isNull();
    }

    @Test
    void shouldTellJsonNullMissingPathsAndObjectsApart() throws Exception {
        assertThat(value(path("missing"))).isNull();
        assertThat(value(path("n"))).as("JSON_VALUE: JSON null is SQL NULL").isNull();
        assertThat(unquoted(path("n"))).as("JSON_UNQUOTE(JSON_EXTRACT()): JSON null is the text 'null'").isEqualTo("null");
        assertThat(value(path("obj"))).as("JSON_VALUE gives scalars only").isNull();
        assertThat(unquoted(path("obj"))).as("JSON text of an object, keys in document order")
                .isEqualTo("{\"z\": 1, \"a\": [1, 2]}");
        assertThat(scalarText(path("n"))).isNull();
        assertThat(scalarText(path("missing"))).isNull();
    }

    @Test
    void shouldSpellBooleansAndNumbersDifferentlyFromPostgres() throws Exception {
        assertThat(value(path("t"))).as("JSON_VALUE turns true into 1").isEqualTo("1");
        assertThat(value(path("f"))).isEqualTo("0");
        assertThat(unquoted(path("t"))).isEqualTo("true");
        assertThat(scalarText(path("t"))).as("PostgreSQL's #>> gives 'true'").isEqualTo("true");
        assertThat(scalarText(path("num"))).isEqualTo("1.50");
        // PostgreSQL's jsonb normalizes 1e2 to 100; MariaDB keeps the document's spelling
        assertThat(scalarText(path("exp"))).isEqualTo("1e2");
    }

    private static List<String> items(int id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = SharedMariaDb.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT j.ord, j.item, JSON_TYPE(j.item) FROM json_it.docs d"
                     + " CROSS JOIN JSON_TABLE(d.doc, '$.items[*]' COLUMNS (ord FOR ORDINALITY, item JSON PATH '$')) j"
                     + " WHERE d.id = " + id + " ORDER BY j.ord")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
            }
        }
        return out;
    }

    @Test
    void shouldIterateAnArrayWithOrdinalityThroughJsonTable() throws Exception {
        // JSON_TABLE may read columns of the tables before it in FROM: it is MariaDB's LATERAL for JSON
        assertThat(items(1)).containsExactly("1:{\"sku\": \"a\"}:OBJECT", "2:2:INTEGER", "3:null:NULL", "4:\"s\":STRING", "5:[1]:ARRAY");
    }

    @Test
    void shouldYieldNoRowsForAMissingNullOrNonArrayValue() throws Exception {
        assertThat(items(2)).as("missing").isEmpty();
        assertThat(items(3)).as("JSON null").isEmpty();
        assertThat(items(4)).as("an object").isEmpty();
        assertThat(items(5)).as("a scalar").isEmpty();
        assertThat(items(6)).as("SQL NULL").isEmpty();
        assertThat(items(7)).as("an empty array").isEmpty();
    }
}
