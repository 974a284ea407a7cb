/**
 * Data generators and ground truth for the bundled example pipelines. Generators are deterministic
 * from a seed and write a log of what they produced; ground truth is computed from that log in
 * plain Java, never by running the pipeline's own SQL.
 */
package dev.strata.examples;
