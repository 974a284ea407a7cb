/** The food-delivery example (scenario 002): Redis dictionaries, a Kafka order stream, user counters marts. */
package dev.strata.examples.fooddelivery;
