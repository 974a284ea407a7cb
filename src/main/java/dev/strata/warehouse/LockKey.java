package dev.strata.warehouse;

/**
 * A lock's identity: a readable name ({@code "vault:dds.h_user"}) and a 64-bit number derived from
 * it. Adapters use whichever their database locks by (PostgreSQL advisory locks take the number,
 * a lock-table row or {@code GET_LOCK} may take the name). Made only by {@link LockKeys}.
 */
public record LockKey(String name, long id) {
}
