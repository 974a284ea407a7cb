package dev.strata.graph;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A node selection as dbt users write it: {@code name} (that node), {@code name+} (and everything
 * downstream), {@code +name} (and everything upstream), {@code +name+} (both); several terms
 * separated by commas or spaces select their union.
 */
public record Selection(List<Term> terms) {
    /** One selector term. */
    public record Term(String name, boolean upstream, boolean downstream) {
    }

    public static Selection parse(String expression) {
        List<Term> terms = new ArrayList<>();
        for (String raw : expression.trim().split("[,\\s]+")) {
            if (raw.isEmpty()) {
                continue;
            }
            boolean up = raw.startsWith("+");
            boolean down = raw.endsWith("+") && raw.length() > 1;
            String name = raw.substring(up ? 1 : 0, raw.length() - (down ? 1 : 0));
            if (name.isEmpty() || name.contains("+")) {
                throw new StrataException(ErrorCode.USAGE, "cannot read the selection '" + raw
                        + "': write name, name+ (with downstream), +name (with upstream) or +name+");
            }
            terms.add(new Term(name, up, down));
        }
        if (terms.isEmpty()) {
            throw new StrataException(ErrorCode.USAGE, "the selection is empty");
        }
        return new Selection(terms);
    }

    /** The selected node names in the graph's topological order; an unknown name is a usage error. */
    public List<String> apply(PipelineGraph graph) {
        Set<String> picked = new LinkedHashSet<>();
        List<String> known = graph.nodes().stream().map(Node::name).toList();
        for (Term t : terms) {
            if (graph.node(t.name()).isEmpty()) {
                throw new StrataException(ErrorCode.USAGE, "--select: no node named '" + t.name() + "'"
                        + Suggestions.didYouMean(t.name(), known) + "; nodes are " + String.join(", ", known));
            }
            picked.add(t.name());
            if (t.upstream()) {
                picked.addAll(graph.withUpstream(t.name()));
            }
            if (t.downstream()) {
                picked.addAll(graph.withDownstream(t.name()));
            }
        }
        return graph.topologicalOrder().stream().filter(picked::contains).toList();
    }
}
