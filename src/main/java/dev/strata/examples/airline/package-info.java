/** The airline example (scenario 000): an operational PostgreSQL captured by CDC into a Data Vault and the airport-traffic mart. */
package dev.strata.examples.airline;
