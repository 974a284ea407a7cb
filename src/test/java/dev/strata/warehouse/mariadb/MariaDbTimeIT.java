package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static dev.strata.warehouse.mariadb.Sessions.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (i) Timestamps on MariaDB through Connector/J 3.5: DATETIME(6) stores the wall-clock value it is
 * given and no session time zone changes it; TIMESTAMP(6) converts through the session's
 * {@code time_zone} and ends on 2038-01-19. Strata keeps UTC in DATETIME(6); to be independent of
 * the JVM's default time zone, the adapter binds and reads {@code LocalDateTime} in UTC itself:
 * {@code setObject(Instant)} and {@code setTimestamp} convert through the JVM's zone. The tests run
 * with the JVM's default zone set to Europe/Berlin (restored afterwards).
 */
class MariaDbTimeIT {
    private static final String DB = "time_it";
    private static final Instant T = Instant.parse("2024-03-31T01:30:00.123456Z");   // 03:30 in Berlin (summer time from 02:00)
    private TimeZone saved;

    @BeforeEach
    void berlin() throws SQLException {
        saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE TABLE " + DB + ".t (id INT PRIMARY KEY, d DATETIME(6), ts TIMESTAMP(6) NULL) ENGINE=InnoDB");
        }
    }

    @AfterEach
    void restore() {
        TimeZone.setDefault(saved);
    }

    private static String stored(Connection c, int id) throws SQLException {
        return string(c, "SELECT CAST(d AS CHAR) FROM " + DB + ".t WHERE id = " + id);
    }

    @Test
    void shouldKeepUtcWhenBindingAndReadingLocalDateTimeInUtc() throws Exception {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + DB + ".t (id, d) VALUES (1, ?)")) {
            ps.setObject(1, LocalDateTime.ofInstant(T, ZoneOffset.UTC));
            ps.execute();
            assertThat(stored(c, 1)).isEqualTo("2024-03-31 01:30:00.123456");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT d FROM " + DB + ".t WHERE id = 1")) {
                rs.next();
                assertThat(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC)).isEqualTo(T);
            }
        }
    }

    @Test
    void shouldStoreTheJvmsWallClockForInstantsAndTimestampsByDefault() throws Exception {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + DB + ".t (id, d) VALUES (?, ?)")) {
            assertThat(string(c, "SELECT @@session.time_zone")).as("the server's zone is UTC").isEqualTo("+00:00");
            ps.setInt(1, 1);
            ps.setObject(2, T);
            ps.execute();
            ps.setInt(1, 2);
            ps.setTimestamp(2, Timestamp.from(T));
            ps.execute();
            assertThat(stored(c, 1)).as("Instant: Berlin wall clock").isEqualTo("2024-03-31 03:30:00.123456");
            assertThat(stored(c, 2)).as("Timestamp: Berlin wall clock").isEqualTo("2024-03-31 03:30:00.123456");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT d FROM " + DB + ".t WHERE id = 1")) {
                rs.next();
                assertThat(rs.getObject(1, Instant.class)).as("it reads back as the same instant, in this JVM only").isEqualTo(T);
            }
        }
    }

    @Test
    void shouldStillMisplaceInstantsWithConnectionTimeZoneUtc() throws Exception {
        try (Connection c = SharedMariaDb.connect("connectionTimeZone", "UTC", "preserveInstants", "true");
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + DB + ".t (id, d) VALUES (?, ?)")) {
            ps.setInt(1, 1);
            ps.setTimestamp(2, Timestamp.from(T));
            ps.execute();
            ps.setInt(1, 2);
            ps.setObject(2, OffsetDateTime.ofInstant(T, ZoneOffset.ofHours(5)));
            ps.execute();
            ps.setInt(1, 3);
            ps.setObject(2, T);
            ps.execute();
            assertThat(stored(c, 1)).as("Timestamp converted to UTC").isEqualTo("2024-03-31 01:30:00.123456");
            assertThat(stored(c, 2)).as("OffsetDateTime converted to UTC").isEqualTo("2024-03-31 01:30:00.123456");
            assertThat(stored(c, 3)).as("Instant: still the JVM's wall clock (Connector/J 3.5.11)").isEqualTo("2024-03-31 03:30:00.123456");
        }
    }

    @Test
    void shouldShiftTimestampColumnsWithTheSessionZoneButNotDatetime() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "SET time_zone = '+00:00'", "INSERT INTO " + DB + ".t VALUES (1, '2024-01-01 12:00:00', '2024-01-01 12:00:00')",
                    "SET time_zone = '+05:00'");
            assertThat(string(c, "SELECT CONCAT(CAST(d AS CHAR), ' / ', CAST(ts AS CHAR)) FROM " + DB + ".t"))
                    .isEqualTo("2024-01-01 12:00:00.000000 / 2024-01-01 17:00:00.000000");
            assertThat(string(c, "SELECT ROUND(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) / 3600)"))
                    .as("NOW() follows the session zone, UTC_TIMESTAMP() does not").isEqualTo("5");
            // named zones need the time zone tables, which the embedded server leaves empty
            assertThatThrownBy(() -> exec(c, "SET time_zone = 'Europe/Berlin'")).hasMessageContaining("Unknown or incorrect time zone");
        }
    }

    @Test
    void shouldRefuseTimestampsAfter2038ButNotDatetimes() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            exec(c, "SET time_zone = '+00:00'", "INSERT INTO " + DB + ".t (id, d) VALUES (1, '2100-01-01 00:00:00')");
            assertThatThrownBy(() -> exec(c, "INSERT INTO " + DB + ".t (id, ts) VALUES (2, '2038-01-19 03:14:08')"))
                    .hasMessageContaining("Incorrect datetime value");
            exec(c, "INSERT INTO " + DB + ".t (id, ts) VALUES (3, '2038-01-19 03:14:07')");
        }
    }

    @Test
    void shouldFormatCanonicalUtcTextLikePostgres() throws Exception {
        try (Connection c = SharedMariaDb.connect()) {
            // PostgresDialect's canonicalText for timestamptz: YYYY-MM-DD"T"HH24:MI:SS.US"Z" in UTC
            assertThat(string(c, "SELECT DATE_FORMAT(CAST('2024-03-31 01:30:00.000001' AS DATETIME(6)), '%Y-%m-%dT%H:%i:%s.%fZ')"))
                    .isEqualTo("2024-03-31T01:30:00.000001Z");
            assertThat(string(c, "SELECT DATE_FORMAT(CAST('2024-03-31' AS DATE), '%Y-%m-%d')")).isEqualTo("2024-03-31");
        }
    }
}
