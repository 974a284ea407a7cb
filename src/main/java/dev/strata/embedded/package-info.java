/**
 * Real servers started by Strata itself for {@code strata demo} and tests: PostgreSQL (zonky
 * binaries, a child process), a KRaft Kafka broker in this JVM, Redis. No Docker.
 */
package dev.strata.embedded;
