/**
 * Sources and landing: records from Kafka (and later CDC, JDBC, Redis, files) land into raw STG
 * tables exactly once, with dead letters for what cannot be landed.
 */
package dev.strata.ingest;
