/** The fintech example (scenario 001): transactions and currency rates on one topic, the October-2022 backfill, {@code global_metrics}. */
package dev.strata.examples.fintech;
