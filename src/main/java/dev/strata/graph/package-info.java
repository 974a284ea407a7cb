/**
 * The pipeline graph: nodes (source landings, vault targets, marts, SQL tasks), the edges that
 * {@code ref()} and {@code depends_on} create, topological order, selection ({@code name},
 * {@code name+}, {@code +name}) and cycle detection with the file and line of each edge.
 */
package dev.strata.graph;
