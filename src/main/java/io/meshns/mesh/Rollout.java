package io.meshns.mesh;

import java.util.Map;
import java.util.Objects;

/**
 * What each data-plane cluster of one namespace should have: the mesh-wide default (the control
 * plane's own labels) unless the cluster has a setting of its own from a call with "clusters".
 * Pure: no I/O.
 */
public record Rollout(Injection meshWide, Map<String, Injection> clusters) {

    public Rollout {
        Objects.requireNonNull(meshWide);
        clusters = Map.copyOf(clusters);
    }

    /** The injection {@code cluster} should have. */
    public Injection in(String cluster) {
        return clusters.getOrDefault(cluster, meshWide);
    }

    /**
     * True when meshns manages the namespace, so reconcile keeps its clusters at this rollout: the
     * control plane carries a mode, some cluster has a setting of its own, or meshns keeps a record of
     * the namespace ({@code recorded}: it was changed through meshns, a removal included). Otherwise
     * the namespace is left alone everywhere, and describeMesh calls none of its cells drifted.
     */
    public boolean managed(boolean recorded) {
        return meshWide.mode() != Injection.Mode.UNSET || !clusters.isEmpty() || recorded;
    }
}
