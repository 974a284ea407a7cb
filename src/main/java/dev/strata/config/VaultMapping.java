package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one source feeds one vault target: the {@code from.<source>} entry of a hub, link or satellite.
 *
 * @param source     the source whose STG table {@code stg.<source>} is read
 * @param each       when present, one vault row per element of the JSON array at this path of
 *                   {@code _payload}; {@code $item} paths are relative to that element
 * @param keys       per hub reference (the hub's name for a hub or a satellite of a hub, the role
 *                   for a link or a satellite of a link), the expressions of that hub's business key
 *                   columns, in the hub's column order
 * @param attributes per satellite attribute, its expression (empty for hubs and links)
 * @param loadDt     the row's version time; when absent {@code coalesce(_event_time, _loaded_at)}
 * @param where      only rows (or items) whose every filter matches are read; empty: all of them
 * @param deleted    satellites only: a row whose every filter matches is a delete (a CDC delete). In an
 *                   effectivity satellite it ends its driving key's relationship instead of stating
 *                   one; in a standard satellite it is a version with {@code is_deleted} true; empty: no row is
 * @param tabular    whether the source lands typed columns ({@code jdbc}: no {@code _payload}, no
 *                   {@code _event_time}), so expressions name its columns and {@code load_dt}
 *                   defaults to {@code _loaded_at}
 */
public record VaultMapping(String source, Optional<JsonPath> each, Map<String, List<VaultExpression>> keys,
                           Map<String, VaultExpression> attributes, Optional<VaultExpression> loadDt,
                           List<Filter> where, List<Filter> deleted, Position position, boolean tabular) {
    /** {@code where: {<expression>: value}} or {@code [value, value]}: the expression's text is one of the values. */
    public record Filter(VaultExpression expression, List<String> values) {
        public Filter {
            values = List.copyOf(values);
        }
    }

    /** A mapping of a source that lands JSON ({@code kafka}, {@code cdc}). */
    public VaultMapping(String source, Optional<JsonPath> each, Map<String, List<VaultExpression>> keys,
                        Map<String, VaultExpression> attributes, Optional<VaultExpression> loadDt, List<Filter> where,
                        List<Filter> deleted, Position position) {
        this(source, each, keys, attributes, loadDt, where, deleted, position, false);
    }

    public VaultMapping {
        where = List.copyOf(where);
        deleted = List.copyOf(deleted);
        LinkedHashMap<String, List<VaultExpression>> k = new LinkedHashMap<>();
        keys.forEach((name, exprs) -> k.put(name, List.copyOf(exprs)));
        keys = Collections.unmodifiableMap(k);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
