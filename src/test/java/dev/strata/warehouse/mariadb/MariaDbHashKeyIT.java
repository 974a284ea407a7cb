package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.vault.HashStandard;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * (f) Hash keys on MariaDB: {@code UNHEX(MD5(text))} as BINARY(16) holds the same 16 bytes as
 * PostgreSQL's {@code CAST(md5(text) AS uuid)} and Java's {@link HashStandard}, for the awkward
 * samples VaultLoader.checkHashing uses and a few more, when the MariaDB spelling of the standard's
 * primitives is right: ASCII-only upper-casing (UPPER() also upper-cases é), ASCII-whitespace
 * trimming (TRIM() trims spaces only), and string literals with their backslashes escaped
 * (MariaDB reads {@code '\N'} as {@code 'N'} unless NO_BACKSLASH_ESCAPES is set).
 */
class MariaDbHashKeyIT {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() {
        pg = EmbeddedPostgres.start(Optional.empty());
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    /** Business keys as canonical text parts (null for NULL). */
    static final List<List<String>> SAMPLES = List.of(
            List.of(" straße "),
            Arrays.asList("Ǆ|x\\N", "  "),
            List.of("日本語", "é"),
            List.of("\t a\u000Bb\r\n\f"),
            List.of("it's", "\\|\\"),
            List.of("\u00a0nbsp\u00a0"),        // U+00A0 is not ASCII whitespace: kept
            Arrays.asList(null, "x"),
            Arrays.asList(null, " "),            // all NULL or blank: the unknown key
            List.of("MiXeD-case 123"));

    // ---- MariaDB's spelling of the primitives (what the adapter's dialect will write) ----

    /** A string literal for MariaDB's default sql_mode: backslash and quote escaped. */
    static String mariaLiteral(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String mariaTrim(String e) {
        return "REGEXP_REPLACE(" + e + ", '^[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]+|[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]+$', '')";
    }

    static String mariaAsciiUpper(String e) {
        String out = e;
        for (char ch = 'a'; ch <= 'z'; ch++) {
            out = "REPLACE(" + out + ", '" + ch + "', '" + Character.toUpperCase(ch) + "')";
        }
        return out;
    }

    static String hashKeySql(List<String> parts, Function<String, String> literal, Function<String, String> trim,
                             Function<String, String> upper, Function<List<String>, String> concat,
                             Function<String, String> md5Key, String unknownKey) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                pieces.add(literal.apply("|"));
            }
            String value = parts.get(i) == null ? "NULL" : literal.apply(parts.get(i));
            String normalized = "NULLIF(" + upper.apply(trim.apply(value)) + ", '')";
            String escaped = "REPLACE(REPLACE(" + normalized + ", " + literal.apply("\\") + ", " + literal.apply("\\\\")
                    + "), " + literal.apply("|") + ", " + literal.apply("\\|") + ")";
            pieces.add("COALESCE(" + escaped + ", " + literal.apply("\\N") + ")");
        }
        String allNull = String.join("|", java.util.Collections.nCopies(parts.size(), "\\N"));
        return "COALESCE(" + md5Key.apply("NULLIF(" + concat.apply(pieces) + ", " + literal.apply(allNull) + ")") + ", " + unknownKey + ")";
    }

    static String mariaHashKey(List<String> parts) {
        return hashKeySql(parts, MariaDbHashKeyIT::mariaLiteral, MariaDbHashKeyIT::mariaTrim, MariaDbHashKeyIT::mariaAsciiUpper,
                p -> "CONCAT(" + String.join(", ", p) + ")", e -> "UNHEX(MD5(" + e + "))", "X'00000000000000000000000000000000'");
    }

    /** PostgreSQL's, as PostgresDialect writes it. */
    static String postgresHashKey(List<String> parts) {
        return hashKeySql(parts, v -> "'" + v.replace("'", "''") + "'", e -> "btrim(" + e + ", E' \\t\\n\\r\\f\\x0b')",
                e -> "upper((" + e + ") COLLATE \"C\")", p -> "(" + String.join(" || ", p) + ")",
                e -> "CAST(md5(" + e + ") AS uuid)", "CAST('00000000-0000-0000-0000-000000000000' AS uuid)");
    }

    static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    static byte[] mariaBytes(Connection c, String expr) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + expr)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    @Test
    void shouldGiveTheSameSixteenBytesAsPostgresAndJava() throws Exception {
        HexFormat hex = HexFormat.of();
        try (Connection maria = SharedMariaDb.connect();
             Connection postgres = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal())) {
            for (List<String> sample : SAMPLES) {
                String java = hex.formatHex(bytes(HashStandard.hashKey(sample)));
                String onMaria = hex.formatHex(mariaBytes(maria, mariaHashKey(sample)));
                String onPostgres;
                try (Statement s = postgres.createStatement(); ResultSet rs = s.executeQuery("SELECT " + postgresHashKey(sample))) {
                    rs.next();
                    onPostgres = hex.formatHex(bytes(rs.getObject(1, UUID.class)));
                }
                assertThat(onMaria).as("MariaDB vs Java for %s", sample).isEqualTo(java);
                assertThat(onPostgres).as("PostgreSQL vs Java for %s", sample).isEqualTo(java);
            }
        }
    }

    @Test
    void shouldStoreAndCompareHashKeysAsBinary16() throws Exception {
        try (Connection c = SharedMariaDb.connect(); Statement s = c.createStatement()) {
            SharedMariaDb.freshDatabase(c, "hash_it");
            s.execute("CREATE TABLE hash_it.hub (hk BINARY(16) PRIMARY KEY, bk VARCHAR(100)) ENGINE=InnoDB");
            s.execute("INSERT INTO hash_it.hub SELECT " + mariaHashKey(List.of(" straße ")) + ", 'straße'");
            UUID expected = HashStandard.hashKey(List.of(" straße "));
            try (ResultSet rs = s.executeQuery("SELECT hk, HEX(hk), LENGTH(hk),"
                    + " LOWER(INSERT(INSERT(INSERT(INSERT(HEX(hk), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-')) FROM hash_it.hub")) {
                rs.next();
                ByteBuffer b = ByteBuffer.wrap(rs.getBytes(1));
                assertThat(new UUID(b.getLong(), b.getLong())).as("read back with getBytes").isEqualTo(expected);
                assertThat(rs.getString(2)).isEqualToIgnoringCase(expected.toString().replace("-", ""));
                assertThat(rs.getInt(3)).isEqualTo(16);
                assertThat(rs.getString(4)).as("the uuid text PostgreSQL prints").isEqualTo(expected.toString());
            }
            // a bound byte[] finds it through the primary key
            try (var ps = c.prepareStatement("SELECT bk FROM hash_it.hub WHERE hk = ?")) {
                ps.setBytes(1, bytes(expected));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("straße");
                }
            }
        }
    }

    @Test
    void shouldNotUseUpperTrimOrUnescapedLiteralsForTheStandard() throws Exception {
        try (Connection c = SharedMariaDb.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT UPPER('é'), " + mariaAsciiUpper("'é'") + ", TRIM('\\t x \\t'), "
                    + mariaTrim("'\\t x \\t'") + ", '\\N', " + mariaLiteral("\\N"))) {
                rs.next();
                assertThat(rs.getString(1)).as("UPPER maps beyond ASCII").isEqualTo("É");
                assertThat(rs.getString(2)).isEqualTo("é");
                assertThat(rs.getString(3)).as("TRIM removes spaces only").isEqualTo("\t x \t");
                assertThat(rs.getString(4)).isEqualTo("x");
                assertThat(rs.getString(5)).as("a backslash escape in a literal").isEqualTo("N");
                assertThat(rs.getString(6)).isEqualTo("\\N");
            }
            // with NO_BACKSLASH_ESCAPES the same doubled literal would be two backslashes: the
            // adapter must fix the session's sql_mode and escape to match it
            s.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
            try (ResultSet rs = s.executeQuery("SELECT " + mariaLiteral("\\N") + ", '\\N'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("\\\\N");
                assertThat(rs.getString(2)).isEqualTo("\\N");
            }
        }
    }
}
