package dev.strata.ingest;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.SourceConfig;
import dev.strata.testing.SourceDatabase;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * A warehouse (migrated, from a {@link WarehouseUnderTest}) and a source database for the
 * {@code jdbc} source ITs, with the project YAML of a source and the independent checksum of
 * scenario 003's acceptance 7: MD5 over rows sorted by key, decimals to 2 places, timestamps to
 * seconds — computed in Java from JDBC values, not by the code under test.
 */
final class JdbcFixture implements AutoCloseable {
    static final String PIPELINE = "shop";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    final Warehouse warehouse;
    final SourceDatabase source;

    JdbcFixture(WarehouseUnderTest target, SourceDatabase source) {
        this.warehouse = target.newDatabase();
        this.warehouse.migrate();
        this.source = source;
    }

    /** The project YAML of one source {@code name} over this fixture's database, with {@code jdbcKeys} under {@code jdbc:}. */
    String yaml(String name, String jdbcKeys, String sourceKeys) {
        return "name: " + PIPELINE + "\n"
                + "sources:\n"
                + "  " + name + ":\n"
                + "    jdbc:\n"
                + "      url: \"" + source.url() + "\"\n"
                + "      user: " + source.user() + "\n"
                + "      password: \"${SOURCE_PASSWORD:-}\"\n"
                + jdbcKeys.lines().map(l -> "      " + l + "\n").reduce("", String::concat)
                + sourceKeys.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
    }

    ProjectConfig project(String yaml) {
        return new ProjectLoader(EnvResolver.of(Map.of("SOURCE_PASSWORD", source.password().reveal())))
                .parse(Path.of("."), yaml, "strata.yaml");
    }

    SourceConfig sourceConfig(String name, String jdbcKeys) {
        return sourceConfig(name, jdbcKeys, "");
    }

    SourceConfig sourceConfig(String name, String jdbcKeys, String sourceKeys) {
        return project(yaml(name, jdbcKeys, sourceKeys)).sources().get(name);
    }

    JdbcLanding landing(String name, String jdbcKeys) {
        return JdbcLanding.of(PIPELINE, sourceConfig(name, jdbcKeys));
    }

    /** Runs the snapshot of {@code date} in a transaction of its own, as a task would; returns its rows. */
    long snapshot(JdbcLanding landing, LocalDate date) throws SQLException {
        return warehouse.inTransaction(c -> landing.snapshot(warehouse, c, date, "test-worker"));
    }

    long count(String sql) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The checksum of a source query's rows, in its order. */
    String sourceChecksum(String sql) throws Exception {
        try (Connection c = source.connect()) {
            return checksum(c, sql);
        }
    }

    String warehouseChecksum(String sql) throws Exception {
        try (Connection c = warehouse.connection()) {
            return checksum(c, sql);
        }
    }

    /** MD5 of the rows (fields joined by tab, rows by newline); decimals to 2 places, times to seconds (UTC), NULL as \N. */
    static String checksum(Connection c, String sql) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder row = new StringBuilder();
            while (rs.next()) {
                row.setLength(0);
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(i == 1 ? "" : "\t").append(text(rs.getObject(i)));
                }
                md5.update(row.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    static String text(Object v) {
        if (v == null) {
            return "\\N";
        }
        if (v instanceof BigDecimal b) {
            return b.setScale(2, RoundingMode.HALF_UP).toPlainString();
        }
        if (v instanceof Timestamp t) {
            return SECONDS.format(t.toLocalDateTime().truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof LocalDateTime t) {
            return SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof OffsetDateTime t) {
            return SECONDS.format(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Number n && !(v instanceof BigDecimal)) {
            return Long.toString(n.longValue());
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        return v.toString();
    }

    @Override
    public void close() {
        warehouse.close();
    }
}
