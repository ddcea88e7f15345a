package io.meshns.function;

import java.util.List;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.error.ErrorCode;
import io.meshns.mesh.LabelSelectors;

/**
 * Which clusters a call acts on, as its caller chose them: by name ("clusters"), by label
 * ("clusterSelector"), or every cluster (neither). Read and checked with the rest of the input (400
 * for both at once or a malformed selector); resolved to names once the caller may act, so that
 * the services below only ever see names.
 */
final class ClusterChoice {

    private final List<String> names;
    private final LabelSelectors.Selector selector;

    private ClusterChoice(List<String> names, LabelSelectors.Selector selector) {
        this.names = names;
        this.selector = selector;
    }

    /** From the fields "clusters" and "clusterSelector" of {@code input}. */
    static ClusterChoice of(Input input) {
        List<String> names = input.optionalStringList("clusters");
        String selector = input.optionalString("clusterSelector");
        if (names != null && selector != null) {
            throw ErrorCode.CLUSTERS_AND_SELECTOR.error("give either 'clusters' (names) or 'clusterSelector' (a label selector), not both");
        }
        return new ClusterChoice(names, selector == null ? null : LabelSelectors.require("clusterSelector", selector));
    }

    /**
     * The names of the chosen clusters, or null for every cluster: those named (checked by the
     * service as before), or the registered clusters the selector matches (404 naming it if none).
     */
    List<String> names(ClusterRegistry registry) {
        return selector == null ? names : registry.select(selector);
    }
}
