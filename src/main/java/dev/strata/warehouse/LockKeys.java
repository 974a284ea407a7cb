package dev.strata.warehouse;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The one place lock keys are made: every process computes the same key for the same resource,
 * and two parts of Strata that lock the same resource (a schema's creation, say) use the same key.
 * Names are namespaced by what they guard ({@code schema:}, {@code stg:}, {@code vault:},
 * {@code mart:}, {@code scheduler:}).
 */
public final class LockKeys {
    private LockKeys() {
    }

    /** The key of a named resource, e.g. {@code "vault:ddl:dds"}: the top 64 bits of a name-based UUID. */
    public static LockKey of(String name) {
        long id = UUID.nameUUIDFromBytes(("strata:" + name).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
        return new LockKey(name, id);
    }

    /** Held while a schema is created: {@code CREATE SCHEMA IF NOT EXISTS} races with itself. */
    public static LockKey schema(String schema) {
        return of("schema:" + schema);
    }

    /** Held by every writer of {@code stg.<source>} while it draws {@code _seq} values and commits. */
    public static LockKey stg(String source) {
        return of("stg:" + source);
    }

    /** Held for the whole of a run of a {@code jdbc} incremental source: its runs land one after the other. */
    public static LockKey sourceRun(String pipeline, String source) {
        return of("source-run:" + pipeline + "." + source);
    }

    /** Held by a vault load of a target (or the vault's DDL: {@code ddl:<schema>}). */
    public static LockKey vault(String name) {
        return of("vault:" + name);
    }

    /** Held while a mart relation is replaced or first created. */
    public static LockKey mart(String schema, String name) {
        return of("mart:" + schema + "." + name);
    }

    /** Held by the scheduler's writers of one pipeline's queue state ({@code enqueue:}, {@code edges:}, {@code coverage:}). */
    public static LockKey scheduler(String what, String pipeline) {
        return of("scheduler:" + what + ":" + pipeline);
    }

    /** Held (session scope) around metadata migrations. */
    public static LockKey migration() {
        return of("metadata-migration");
    }
}
