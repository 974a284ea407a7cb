package dev.strata.warehouse;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Advisory-lock keys, 64-bit numbers derived from names so that every process computes the same
 * key for the same resource. One place, so that two parts of Strata that lock the same resource
 * (a schema's creation, say) use the same key.
 */
public final class LockKeys {
    private LockKeys() {
    }

    /** The key of a named resource, e.g. {@code "vault:ddl:dds"}. */
    public static long of(String name) {
        return UUID.nameUUIDFromBytes(("strata:" + name).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    }

    /** The key held while a schema is created: {@code CREATE SCHEMA IF NOT EXISTS} races with itself. */
    public static long schema(String schema) {
        return of("schema:" + schema);
    }
}
