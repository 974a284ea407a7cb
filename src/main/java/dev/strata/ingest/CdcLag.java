package dev.strata.ingest;

import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The lag of a captured table ({@code cdc} source, or a Kafka source with {@code format: debezium}):
 * now minus the source time ({@code source.ts_ms}, {@code _source_time}) of the newest change landed
 * into its STG table. Changes land in the source's commit order, so the row with the highest
 * {@code _seq} has the newest source time, and reading it costs one primary-key lookup whatever the
 * table's size.
 *
 * <p>What it means: how far behind the source's clock the warehouse's copy of that table is. While
 * changes flow it is the capture's delay (seconds when caught up; it grows during a backlog or a
 * stall). On a table nobody writes it grows too — the newest change is simply old — so read it
 * next to the table's write rate; {@code status} prints the newest change's time beside it.
 */
public final class CdcLag {
    private CdcLag() {
    }

    /** Source time of the newest change landed in {@code stg.<stream>}; empty when none (or no table yet). */
    public static Optional<Instant> newestSourceTime(Connection c, SqlDialect d, String stream) {
        try (Statement s = c.createStatement()) {
            s.setMaxRows(1);
            try (ResultSet rs = s.executeQuery("SELECT " + d.quote(StgTable.SOURCE_TIME) + " FROM "
                    + d.qualified(StgTable.SCHEMA, stream) + " ORDER BY " + d.quote(StgTable.SEQ) + " DESC")) {
                if (rs.next()) {
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? Optional.empty() : Optional.of(t.toInstant());
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();   // not landed yet: the table does not exist
        }
    }

    /** {@code now - newest}, never negative (clocks of source and Strata may differ by a little). */
    public static Duration lag(Instant now, Instant newest) {
        Duration d = Duration.between(newest, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** Whether a source lands captured changes: a cdc table, or Kafka with {@code format: debezium}. */
    public static boolean isChangeStream(dev.strata.config.SourceConfig s) {
        return s.spec() instanceof dev.strata.config.CdcTableSpec
                || s.spec() instanceof dev.strata.config.KafkaSourceSpec k && k.isDebezium();
    }
}
