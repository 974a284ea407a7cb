package dev.strata.ingest;

import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.WarehouseAdapter;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a raw STG table {@code stg.<source>}, shared by the landers that write it and the
 * vault loads that read it. Every source kind lands into this shape.
 *
 * <table>
 *   <caption>columns</caption>
 *   <tr><td>{@code _seq}</td><td>bigint, primary key: the STG sequence. Assigned in commit order
 *       (landers take the table's transaction lock, {@code LockKeys.stg}, before drawing numbers: the {@code StgSequences} contract), so a reader that has
 *       consumed up to {@code n} never later sees a committed row below {@code n}. Vault loads keep
 *       their watermark over it.</td></tr>
 *   <tr><td>{@code _key}</td><td>text: the dedup key ({@code key:} JSON path), or null</td></tr>
 *   <tr><td>{@code _payload}</td><td>the record as-is (jsonb for JSON)</td></tr>
 *   <tr><td>{@code _partition}, {@code _offset}</td><td>where it came from (Kafka partition and
 *       offset; a source-specific stream and counter otherwise)</td></tr>
 *   <tr><td>{@code _event_time}</td><td>from the {@code event_time:} JSON path, null if absent</td></tr>
 *   <tr><td>{@code _source_time}</td><td>the source's own timestamp (Kafka record timestamp)</td></tr>
 *   <tr><td>{@code _headers}</td><td>message headers as a JSON object, or null</td></tr>
 *   <tr><td>{@code _loaded_at}</td><td>when the row was committed</td></tr>
 *   <tr><td>{@code _batch_id}</td><td>the landing batch that wrote it</td></tr>
 * </table>
 *
 * <p>Uniqueness: with a dedup key and no dedup window, {@code _key} is unique; otherwise
 * {@code (_partition, _offset)} is (a record's position is its identity), and a dedup window keeps
 * its recently landed keys in {@code stg.<source>__dedup} ({@link #dedupTableName}).
 */
public final class StgTable {
    public static final String SCHEMA = "stg";
    public static final String SEQ = "_seq";
    public static final String KEY = "_key";
    public static final String PAYLOAD = "_payload";
    public static final String PARTITION = "_partition";
    public static final String OFFSET = "_offset";
    public static final String EVENT_TIME = "_event_time";
    public static final String SOURCE_TIME = "_source_time";
    public static final String HEADERS = "_headers";
    public static final String LOADED_AT = "_loaded_at";
    public static final String BATCH_ID = "_batch_id";
    /** Columns of the dedup-window table {@code stg.<source>__dedup}. */
    public static final String DEDUP_LANDED_AT = "_landed_at";

    private StgTable() {
    }

    /** The sequence that numbers a source's STG rows: {@code stg.<source>__seq}. */
    public static String sequenceName(String source) {
        return source + "__seq";
    }

    /** The table holding recently landed keys of a source with a dedup window: {@code stg.<source>__dedup}. */
    public static String dedupTableName(String source) {
        return source + "__dedup";
    }

    /** The columns that identify a row for dedup: {@code _key}, or {@code (_partition, _offset)}. */
    public static List<String> uniqueColumns(boolean keyUnique) {
        return keyUnique ? List.of(KEY) : List.of(PARTITION, OFFSET);
    }

    /**
     * DDL for a source with a dedup window: the STG table unique on {@code (_partition, _offset)}
     * plus {@code stg.<source>__dedup(_key primary key, _landed_at)}. Idempotent.
     */
    public static List<String> createStatementsWithDedupWindow(WarehouseAdapter w, String source) {
        SqlDialect d = w.sql();
        List<String> all = new ArrayList<>(createStatements(w, source, false));
        all.add("CREATE TABLE IF NOT EXISTS " + d.qualified(SCHEMA, dedupTableName(source)) + " ("
                + d.quote(KEY) + " " + d.keyTextType() + " PRIMARY KEY, "
                + d.quote(DEDUP_LANDED_AT) + " " + d.timestampType() + " NOT NULL)");
        return List.copyOf(all);
    }

    /**
     * DDL creating {@code stg.<source>} and its sequence, idempotent. With a dedup key, {@code _key}
     * is unique; without one, {@code (_partition, _offset)} is.
     */
    public static List<String> createStatements(WarehouseAdapter w, String source, boolean keyed) {
        SqlDialect d = w.sql();
        String table = d.qualified(SCHEMA, source);
        String unique = keyed ? d.quote(KEY) : d.quote(PARTITION) + ", " + d.quote(OFFSET);
        // _seq's numbers come in commit order by the StgSequences contract
        List<String> all = new ArrayList<>();
        all.add(d.createSchemaIfNotExists(SCHEMA));
        all.addAll(w.sequences().createStatements(SCHEMA, sequenceName(source)));
        all.add("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + d.quote(SEQ) + " bigint PRIMARY KEY, "
                        + d.quote(KEY) + " " + d.keyTextType() + ", "
                        + d.quote(PAYLOAD) + " " + d.jsonType() + " NOT NULL, "
                        + d.quote(PARTITION) + " " + d.textType() + " NOT NULL, "
                        + d.quote(OFFSET) + " bigint NOT NULL, "
                        + d.quote(EVENT_TIME) + " " + d.timestampType() + ", "
                        + d.quote(SOURCE_TIME) + " " + d.timestampType() + ", "
                        + d.quote(HEADERS) + " " + d.jsonType() + ", "
                        + d.quote(LOADED_AT) + " " + d.timestampType() + " NOT NULL DEFAULT CURRENT_TIMESTAMP, "
                        + d.quote(BATCH_ID) + " bigint NOT NULL, "
                        + "UNIQUE (" + unique + "))");
        return List.copyOf(all);
    }
}
