/** Strata: builds and runs a layered data warehouse (STG, Data Vault, marts) from one declarative project. */
package dev.strata;
