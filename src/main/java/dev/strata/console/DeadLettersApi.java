package dev.strata.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/dead-letters}: records that could not be landed, with their reason, source position
 * and raw payload, and replay through the landing's {@link DeadLetterReplayer}. Payloads are sent
 * as text when they are valid UTF-8 and as base64 otherwise; the pages put them in the DOM as
 * text only.
 */
final class DeadLettersApi {
    /** Payload bytes sent in a list; the detail endpoint sends up to {@link #DETAIL_PAYLOAD_BYTES}. */
    static final int LIST_PAYLOAD_BYTES = 2048;
    static final int DETAIL_PAYLOAD_BYTES = 1024 * 1024;

    private final Db db;
    private final String pipeline;
    private final Set<String> sources;
    private final DeadLetterReplayer replayer;

    DeadLettersApi(Db db, String pipeline, Set<String> sources, DeadLetterReplayer replayer) {
        this.db = db;
        this.pipeline = pipeline;
        this.sources = Set.copyOf(sources);
        this.replayer = replayer;
    }

    void register(Javalin app) {
        app.get("/api/dead-letters", this::list);
        app.get("/api/dead-letters/summary", this::summary);
        app.get("/api/dead-letters/{id}", this::detail);
        app.post("/api/dead-letters/{id}/replay", this::replayOne);
        app.post("/api/dead-letters/replay", this::replayAll);
    }

    record DeadLetter(long id, String source, String partition, long position, String reason, Instant createdAt,
                      Instant replayedAt, String replayNote, String key, String headers, int payloadSize,
                      String payloadText, String payloadBase64, boolean payloadTruncated) {
    }

    record SourceSummary(String source, long pending, long replayed, Instant latest) {
    }

    private void list(Context ctx) {
        Optional<String> source = knownSource(ctx);
        String state = Optional.ofNullable(ctx.queryParam("state")).orElse("pending");
        if (!List.of("pending", "replayed", "all").contains(state)) {
            throw ApiException.badRequest("state: expected pending, replayed or all, got '" + Params.shorten(state) + "'");
        }
        int limit = Params.integer(ctx, "limit", 50, 1, 500);
        long before = Params.positiveLong(ctx, "before").orElse(Long.MAX_VALUE);
        StringBuilder sql = new StringBuilder("SELECT * FROM " + db.meta("dead_letters") + " WHERE pipeline = ? AND id < ?");
        List<Object> params = new java.util.ArrayList<>(List.of(pipeline, before));
        source.ifPresent(s -> {
            sql.append(" AND source = ?");
            params.add(s);
        });
        if (state.equals("pending")) {
            sql.append(" AND replayed_at IS NULL");
        } else if (state.equals("replayed")) {
            sql.append(" AND replayed_at IS NOT NULL");
        }
        sql.append(" ORDER BY id DESC");
        ctx.json(Map.of("dead_letters", db.query(sql.toString(), limit, rs -> read(rs, LIST_PAYLOAD_BYTES), params.toArray())));
    }

    private void summary(Context ctx) {
        ctx.json(Map.of("sources", db.query("SELECT source, "
                        + "sum(CASE WHEN replayed_at IS NULL THEN 1 ELSE 0 END) AS pending, "
                        + "sum(CASE WHEN replayed_at IS NULL THEN 0 ELSE 1 END) AS replayed, "
                        + "max(created_at) AS latest FROM " + db.meta("dead_letters")
                        + " WHERE pipeline = ? GROUP BY source ORDER BY source",
                rs -> new SourceSummary(rs.getString("source"), rs.getLong("pending"), rs.getLong("replayed"),
                        Db.instant(rs, "latest")), pipeline)));
    }

    private void detail(Context ctx) {
        ctx.json(find(Params.id(ctx, "id"), DETAIL_PAYLOAD_BYTES));
    }

    private DeadLetter find(long id, int payloadBytes) {
        return db.query("SELECT * FROM " + db.meta("dead_letters") + " WHERE pipeline = ? AND id = ?",
                        rs -> read(rs, payloadBytes), pipeline, id)
                .stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("no dead letter " + id + " in pipeline " + pipeline));
    }

    private void replayOne(Context ctx) {
        long id = Params.id(ctx, "id");
        DeadLetter letter = find(id, 0);
        if (letter.replayedAt() != null) {
            throw new ApiException(409, "dead letter " + id + " was already replayed at " + letter.replayedAt());
        }
        String outcome = unavailableAs503(() -> replayer.replay(id));
        ctx.json(Map.of("id", id, "outcome", outcome));
    }

    private void replayAll(Context ctx) {
        Optional<String> source = Params.identifier(ctx, "source");
        if (source.isPresent() && !sources.contains(source.get())) {
            throw ApiException.notFound("unknown source '" + source.get() + "'");
        }
        long landed = unavailableAs503(() -> replayer.replayAll(source));
        ctx.json(Map.of("landed", landed));
    }

    private static <T> T unavailableAs503(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (UnsupportedOperationException e) {
            throw ApiException.unavailable(e.getMessage());
        }
    }

    /** The source filter: a configured source or one that has dead letters; anything else is a 404. */
    private Optional<String> knownSource(Context ctx) {
        Optional<String> source = Params.identifier(ctx, "source");
        if (source.isPresent() && !sources.contains(source.get())
                && db.query("SELECT 1 FROM " + db.meta("dead_letters") + " WHERE pipeline = ? AND source = ?", 1,
                rs -> 1, pipeline, source.get()).isEmpty()) {
            throw ApiException.notFound("unknown source '" + source.get() + "'");
        }
        return source;
    }

    private static DeadLetter read(ResultSet rs, int payloadBytes) throws SQLException {
        byte[] value = rs.getBytes("raw_value");
        byte[] key = rs.getBytes("raw_key");
        int size = value == null ? 0 : value.length;
        byte[] shown = value == null ? null : Arrays.copyOf(value, Math.min(value.length, payloadBytes));
        boolean truncated = value != null && value.length > shown.length;
        String text = null;
        String base64 = null;
        if (shown != null && payloadBytes > 0) {
            text = utf8(shown, truncated);
            if (text == null) {
                base64 = Base64.getEncoder().encodeToString(shown);
            }
        }
        return new DeadLetter(rs.getLong("id"), rs.getString("source"), rs.getString("partition_id"),
                rs.getLong("position"), rs.getString("reason"), Db.instant(rs, "created_at"),
                Db.instant(rs, "replayed_at"), rs.getString("replay_note"),
                key == null ? null : Optional.ofNullable(utf8(key, false)).orElse(Base64.getEncoder().encodeToString(key)),
                rs.getString("headers"), size, text, base64, truncated);
    }

    /** Strict UTF-8 decoding; a sequence cut by truncation at the end is dropped, not an error. */
    static String utf8(byte[] bytes, boolean truncated) {
        int end = bytes.length;
        if (truncated) {
            // the cut may have split a multi-byte sequence at the end: drop that incomplete tail
            int i = end - 1;
            int continuation = 0;
            while (i >= 0 && continuation < 3 && (bytes[i] & 0xC0) == 0x80) {
                i--;
                continuation++;
            }
            if (i >= 0) {
                int lead = bytes[i] & 0xFF;
                int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                if (needed > continuation + 1) {
                    end = i;
                }
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
