package dev.strata.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change-data-capture source: Debezium's connector for {@code connector} (PostgreSQL), run
 * inside Strata, capturing {@code tables} of one database. Each table lands into its own STG
 * table ({@link CdcTable#stgName}), so the project sees one stream per table ({@link CdcTableSpec}).
 *
 * @param source      the source's name in strata.yaml (the prefix of its STG tables, the owner of
 *                    its position in {@code strata.source_positions})
 * @param snapshot    Debezium's {@code snapshot.mode}: {@code initial}, {@code no_data},
 *                    {@code when_needed} or {@code always}
 * @param slot        the logical replication slot, owned by this source (one consumer at a time)
 * @param publication the publication Debezium reads through ({@code pgoutput}); created for the
 *                    captured tables if missing
 * @param heartbeat   how often the position moves while the captured tables are quiet, so that
 *                    the slot is acknowledged and the server can recycle WAL
 * @param properties  passed to Debezium as they are (values masked in {@link #toString()})
 */
public record CdcSourceSpec(String source, String connector, String host, int port, String database, String user,
                            Secret password, List<CdcTable> tables, String snapshot, String slot, String publication,
                            Duration heartbeat, Map<String, String> properties) {
    public static final String POSTGRES = "postgres";
    public static final List<String> SNAPSHOT_MODES = List.of("initial", "no_data", "when_needed", "always");
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    public CdcSourceSpec {
        tables = List.copyOf(tables);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        properties.keySet().forEach(k -> masked.put(k, "******"));
        return "CdcSourceSpec[source=" + source + ", connector=" + connector + ", host=" + host + ", port=" + port
                + ", database=" + database + ", user=" + user + ", tables=" + tables + ", snapshot=" + snapshot
                + ", slot=" + slot + ", publication=" + publication + ", heartbeat=" + heartbeat
                + ", properties=" + masked + "]";
    }
}
