package dev.strata.ingest;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * Debezium's offset store for a {@code cdc} source, backed by the warehouse: {@link #get} answers
 * with the offset last committed in {@code strata.source_positions} (read anew at every start and
 * restart of the connector task), and {@link #set} — Debezium's own offset flush — stores nothing,
 * because the offset was already written, in the transaction that landed the changes before it
 * ({@link CdcLander}). A flush still completes normally, so that the engine goes on to acknowledge
 * the flushed LSN to the replication slot: by then the warehouse has committed it.
 *
 * <p>Debezium creates the store by class name; the lander registers the source it serves under an
 * id passed in the engine's properties ({@value #ID_PROPERTY}).
 */
public final class CdcOffsetStore implements OffsetBackingStore {
    /** The engine property naming the registered {@link Source}. */
    public static final String ID_PROPERTY = "strata.cdc.offsets.id";
    private static final Map<String, Source> SOURCES = new ConcurrentHashMap<>();
    private Source source;

    /** Where the committed offsets come from: the lander's reading of the warehouse. */
    interface Source {
        /** The committed offsets as Connect stores them: serialized partition key → serialized offset. */
        Map<ByteBuffer, ByteBuffer> committed();
    }

    static String register(Source source) {
        String id = UUID.randomUUID().toString();
        SOURCES.put(id, source);
        return id;
    }

    static void unregister(String id) {
        SOURCES.remove(id);
    }

    @Override
    public void configure(WorkerConfig config) {
        String id = config.originalsStrings().get(ID_PROPERTY);
        source = id == null ? null : SOURCES.get(id);
        if (source == null) {
            throw new IllegalStateException("CdcOffsetStore is Strata's offset store for its cdc sources; no source "
                    + "registered under " + ID_PROPERTY + "=" + id);
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        try {
            Map<ByteBuffer, ByteBuffer> committed = source.committed();
            Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
            for (ByteBuffer key : keys) {
                ByteBuffer value = committed.get(key);
                if (value != null) {
                    out.put(key, value);
                }
            }
            return CompletableFuture.completedFuture(out);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
