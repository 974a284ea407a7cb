/** The retail example (scenario 004): {@code strata demo retail}. */
package dev.strata.examples.retail;
