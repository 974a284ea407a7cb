package dev.strata.vault;

import dev.strata.ingest.StgTable;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Writes STG rows the way a lander does (through {@link StgTable}'s DDL, {@code _seq} from the
 * table's sequence in commit order), so vault tests do not depend on a landing implementation.
 */
final class StgFixture {
    /** One landed record: its key, payload JSON and event time (either may be null). */
    record Row(String key, String payload, OffsetDateTime eventTime) {
    }

    private StgFixture() {
    }

    static void create(Warehouse w, String source) throws SQLException {
        w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : StgTable.createStatements(w.adapter(), source, false)) {
                    s.execute(ddl);
                }
            }
            return null;
        });
    }

    /** Lands {@code rows} as one batch (one transaction), in order. */
    static void land(Warehouse w, String source, List<Row> rows) throws SQLException {
        land(w, source, rows, null);
    }

    /**
     * Lands {@code rows} as one batch with {@code _loaded_at} set to {@code loadedAt} (null: the
     * commit time, as landers do), so that two warehouses can be given exactly the same rows.
     */
    static void land(Warehouse w, String source, List<Row> rows, OffsetDateTime loadedAt) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        SqlDialect d = w.sql();
        String table = d.qualified(StgTable.SCHEMA, source);
        w.inTransaction(c -> {
            // as landers do: numbers are drawn under the table's lock, so _seq follows commit order
            w.locks().lockForTransaction(c, dev.strata.warehouse.LockKeys.stg(source));
            long first = w.sequences().reserve(c, StgTable.SCHEMA, StgTable.sequenceName(source), rows.size());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (_seq, _key, _payload, _partition, "
                    + "_offset, _event_time, _batch_id" + (loadedAt == null ? "" : ", _loaded_at") + ") VALUES (?, ?, "
                    + d.toJson("?") + ", '0', ?, ?, 1" + (loadedAt == null ? "" : ", ?") + ")")) {
                long seq = first;
                for (Row r : rows) {
                    ps.setLong(1, seq);
                    ps.setString(2, r.key());
                    ps.setString(3, r.payload());
                    ps.setLong(4, seq++);
                    ps.setObject(5, r.eventTime());
                    if (loadedAt != null) {
                        ps.setObject(6, loadedAt);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
