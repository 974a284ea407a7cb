package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reads one snapshot of a Redis dictionary: every key matching a glob and its string value. Uses
 * {@code SCAN} (never {@code KEYS}, which blocks the server) and {@code MGET} in chunks; a key
 * deleted between the two is skipped. Keys are returned sorted, so a snapshot is deterministic.
 */
public final class RedisSnapshotReader implements AutoCloseable {
    private static final int CHUNK = 500;
    private final Jedis jedis;

    public RedisSnapshotReader(String url, Secret password) {
        URI uri = URI.create(url);
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .ssl("rediss".equals(uri.getScheme()))
                .connectionTimeoutMillis(5_000)
                .socketTimeoutMillis(10_000)
                .protocol(redis.clients.jedis.RedisProtocol.RESP2);   // plain GET/SCAN need nothing newer; also silences RESP3 negotiation warnings
        if (!password.isEmpty()) {
            cfg.password(password.reveal());
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            cfg.database(Integer.parseInt(path.substring(1)));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        this.jedis = new Jedis(new HostAndPort(uri.getHost(), port), cfg.build());
    }

    /** Key → value bytes of every string key matching {@code pattern}, sorted by key. */
    public Map<String, byte[]> snapshot(String pattern) {
        try {
            List<String> keys = new ArrayList<>();
            ScanParams params = new ScanParams().match(pattern).count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            Map<String, byte[]> out = new TreeMap<>();
            List<String> unique = keys.stream().distinct().toList();   // SCAN may return a key twice
            for (int i = 0; i < unique.size(); i += CHUNK) {
                List<String> chunk = unique.subList(i, Math.min(unique.size(), i + CHUNK));
                byte[][] raw = new byte[chunk.size()][];
                for (int j = 0; j < chunk.size(); j++) {
                    raw[j] = chunk.get(j).getBytes(StandardCharsets.UTF_8);
                }
                List<byte[]> values = jedis.mget(raw);
                for (int j = 0; j < chunk.size(); j++) {
                    if (values.get(j) != null) {
                        out.put(chunk.get(j), values.get(j));
                    }
                }
            }
            return out;
        } catch (JedisException e) {
            throw new StrataException(ErrorCode.SOURCE_UNAVAILABLE, "cannot read Redis keys '" + pattern + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        jedis.close();
    }
}
