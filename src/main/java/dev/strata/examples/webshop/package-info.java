/** The web-shop example (scenario 003): a PostgreSQL shop snapshotted daily, a registrations stream, three marts on MariaDB. */
package dev.strata.examples.webshop;
