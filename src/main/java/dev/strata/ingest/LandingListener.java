package dev.strata.ingest;

/**
 * Told about every committed landing batch, for instance to run the vault loads of a
 * {@code continuous} schedule right after new rows arrive.
 *
 * <p>Called on the source's writer thread after the batch's transaction committed, once per batch,
 * in commit order per source (sources call concurrently). Keep it quick or hand the work off: the
 * next batch of that source waits for it. An exception it throws is logged and ignored; the batch
 * stays landed.
 */
@FunctionalInterface
public interface LandingListener {
    LandingListener NONE = batch -> { };

    void landed(LandedBatch batch);
}
