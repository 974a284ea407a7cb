package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.BatchConfig;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dead letters of a pipeline ({@code strata.dead_letters}): records that could not land, with
 * their raw bytes and the reason. They can be listed, and replayed through the normal landing
 * path — decoded with the source's current config, landed into {@code stg.<source>} under the
 * STG lock with the record's original partition and offset, and marked replayed in the same
 * transaction, so a dead letter lands at most once however often replay runs. A replay may give
 * a fixed value for a letter (the raw bytes stay as they were, for the record). A letter that
 * still cannot land stays pending with the new reason.
 *
 * <p>Used by {@code strata dead-letters} and the console. Thread-safe.
 */
public final class DeadLetters {
    /**
     * A dead letter as listed. {@code value} is the raw record value (null for a tombstone);
     * {@code sourceTime} the Kafka record timestamp (may be null).
     */
    public record Letter(long id, String source, int partition, long offset, byte[] key, byte[] value, String headers,
                         String reason, Instant createdAt, Instant replayedAt, String replayNote, Instant sourceTime) {
        public boolean pending() {
            return replayedAt == null;
        }
    }

    /** What a replay did. */
    public enum Outcome {
        /** The record landed; the letter is marked replayed. */
        LANDED,
        /** The record was valid but its key (or position) is already in STG; marked replayed, nothing added. */
        DUPLICATE,
        /** The record still cannot land; the letter stays pending with the new reason. */
        STILL_INVALID,
        /** The letter had been replayed already (perhaps by another process); nothing done. */
        ALREADY_REPLAYED,
        /** The letter's source is not a Kafka source of this project; nothing done. */
        UNKNOWN_SOURCE
    }

    /** The result of replaying one letter; {@code message} is a sentence for a person. */
    public record Replay(long id, Outcome outcome, String message) {
        public boolean landed() {
            return outcome == Outcome.LANDED;
        }
    }

    private final ProjectConfig project;
    private final Warehouse warehouse;
    private final String worker;

    public DeadLetters(ProjectConfig project, Warehouse warehouse, String worker) {
        this.project = project;
        this.warehouse = warehouse;
        this.worker = worker;
    }

    /** Letters of the pipeline, oldest first; pending ones only unless {@code includeReplayed}. */
    public List<Letter> list(Optional<String> source, boolean includeReplayed, int limit) {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE pipeline = ?");
        if (source.isPresent()) {
            sql.append(" AND source = ?");
        }
        if (!includeReplayed) {
            sql.append(" AND replayed_at IS NULL");
        }
        sql.append(" ORDER BY id LIMIT ?");
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, project.name());
            if (source.isPresent()) {
                ps.setString(i++, source.get());
            }
            ps.setInt(i, limit);
            List<Letter> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot read dead letters: " + e.getMessage(), e);
        }
    }

    /** One letter of the pipeline. */
    public Optional<Letter> find(long id) {
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(
                SELECT + " WHERE pipeline = ? AND id = ?")) {
            ps.setString(1, project.name());
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot read dead letter " + id + ": " + e.getMessage(), e);
        }
    }

    private static final String SELECT = "SELECT id, source, partition_id, position, raw_key, raw_value, headers,"
            + " reason, created_at, replayed_at, replay_note, source_time FROM strata.dead_letters";

    private static Letter read(ResultSet rs) throws SQLException {
        return new Letter(rs.getLong(1), rs.getString(2), Integer.parseInt(rs.getString(3)), rs.getLong(4), rs.getBytes(5),
                rs.getBytes(6), rs.getString(7), rs.getString(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                rs.getString(11), instant(rs.getTimestamp(12)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Replays one letter, with its own bytes or with {@code fixedValue}. Throws a
     * {@link StrataException} when there is no such letter in this pipeline.
     */
    public Replay replay(long id, Optional<byte[]> fixedValue) {
        Letter letter = find(id).orElseThrow(() -> new StrataException(ErrorCode.USAGE,
                "no dead letter " + id + " in pipeline '" + project.name() + "' (see `strata dead-letters list`)"));
        if (!letter.pending()) {
            return new Replay(id, Outcome.ALREADY_REPLAYED, "already replayed at " + letter.replayedAt()
                    + (letter.replayNote() == null ? "" : ": " + letter.replayNote()));
        }
        SourceConfig source = project.sources().get(letter.source());
        if (source == null || !(source.spec() instanceof KafkaSourceSpec)) {
            return new Replay(id, Outcome.UNKNOWN_SOURCE, "source '" + letter.source() + "' is not a Kafka source of "
                    + "project '" + project.name() + "'" + (source == null ? "" : " (a " + source.spec().kind()
                    + " source re-reads its entries at each refresh; fix them there)"));
        }
        try {
            return replay(letter, source, fixedValue);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "replaying dead letter " + id + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Replays every pending letter of one source (or all), oldest first, each with its own bytes. */
    public List<Replay> replayAll(Optional<String> source) {
        List<Replay> out = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Long> ids = pendingIds(source, after);
            if (ids.isEmpty()) {
                return out;
            }
            for (long id : ids) {
                out.add(replay(id, Optional.empty()));
                after = id;
            }
        }
    }

    private List<Long> pendingIds(Optional<String> source, long after) {
        String sql = "SELECT id FROM strata.dead_letters WHERE pipeline = ? AND replayed_at IS NULL AND id > ?"
                + (source.isPresent() ? " AND source = ?" : "") + " ORDER BY id LIMIT 1000";
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, project.name());
            ps.setLong(2, after);
            if (source.isPresent()) {
                ps.setString(3, source.get());
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot read dead letters: " + e.getMessage(), e);
        }
    }

    private static final class AlreadyReplayed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private Replay replay(Letter letter, SourceConfig source, Optional<byte[]> fixedValue) throws SQLException {
        RecordDecoder decoder = new RecordDecoder(source.key(), source.filter(), source.eventTime(),
                source.maxMessageBytes(), !warehouse.sql().jsonAcceptsNulCharacter());
        byte[] value = fixedValue.orElse(letter.value());
        DebeziumEnvelope envelope = source.spec() instanceof dev.strata.config.KafkaSourceSpec k && k.isDebezium()
                ? new DebeziumEnvelope() : null;
        BatchBuilder builder = new BatchBuilder(0, BatchConfig.defaults(), decoder, envelope,
                new LandingMetrics(new SimpleMeterRegistry(), source.name()));
        builder.add(letter.partition(), letter.offset(), letter.key(), value,
                letter.sourceTime() == null ? -1 : letter.sourceTime().toEpochMilli(),
                letter.headers(), System.nanoTime());
        Batch batch = builder.sealWithoutPositions();
        String with = fixedValue.isPresent() ? " with a fixed value (" + value.length + " bytes)" : "";
        if (!batch.deadLetters().isEmpty()) {
            String reason = batch.deadLetters().get(0).message();
            updateReason(letter.id(), reason);
            return new Replay(letter.id(), Outcome.STILL_INVALID, "still cannot land" + with + ": " + reason);
        }
        if (batch.rowCount() == 0 && source.filter().isPresent()) {
            String reason = "not selected by the source's filter (" + source.filter().get() + "): it is another source's record";
            updateReason(letter.id(), reason);
            return new Replay(letter.id(), Outcome.STILL_INVALID, "still cannot land" + with + ": " + reason);
        }
        StgWriter writer = new StgWriter(warehouse, project.name(), source, worker);
        writer.ensureTables();
        String[] refusedReason = new String[1];
        StgWriter.Result result;
        try {
            result = writer.land(batch, (c, batchId, landed, refused) -> {
                if (!refused.isEmpty()) {
                    refusedReason[0] = refused.get(0).message();
                    return;
                }
                String note = (landed == 1 ? "landed" + with : "valid" + with + ", but its key is already in stg."
                        + source.name() + ": nothing added") + " (batch " + batchId + ")";
                try (PreparedStatement ps = c.prepareStatement("UPDATE strata.dead_letters SET replayed_at = CURRENT_TIMESTAMP,"
                        + " replay_batch_id = ?, replay_note = ? WHERE id = ? AND replayed_at IS NULL")) {
                    ps.setLong(1, batchId);
                    ps.setString(2, note);
                    ps.setLong(3, letter.id());
                    if (ps.executeUpdate() != 1) {
                        throw new AlreadyReplayed();
                    }
                }
            });
        } catch (AlreadyReplayed e) {
            return new Replay(letter.id(), Outcome.ALREADY_REPLAYED, "replayed meanwhile by another process");
        } catch (PositionConflictException e) {
            throw new IllegalStateException("a replay advances no position", e);
        }
        if (refusedReason[0] != null) {
            updateReason(letter.id(), refusedReason[0]);
            return new Replay(letter.id(), Outcome.STILL_INVALID, "still cannot land" + with + ": " + refusedReason[0]);
        }
        return result.rowsLanded() == 1
                ? new Replay(letter.id(), Outcome.LANDED, "landed" + with + " into stg." + source.name() + " (batch "
                        + result.batchId() + ")")
                : new Replay(letter.id(), Outcome.DUPLICATE, "valid" + with + ", but its key is already in stg."
                        + source.name() + ": nothing added, marked replayed");
    }

    private void updateReason(long id, String reason) {
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE strata.dead_letters SET reason = ? WHERE id = ? AND replayed_at IS NULL")) {
            ps.setString(1, reason);
            ps.setLong(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot update dead letter " + id + ": "
                    + e.getMessage(), e);
        }
    }
}
