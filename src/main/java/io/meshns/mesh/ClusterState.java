package io.meshns.mesh;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one cluster has of one mesh namespace, against what it should have: the cell of
 * describeMesh's matrix. {@code drifted} means reconcile would change the cell; in a namespace
 * meshns does not manage, reconcile changes nothing, so a cell there that has the namespace is
 * {@code unmanaged} whatever its labels. Pure.
 */
public enum ClusterState {
    IN_SYNC("in-sync"), DRIFTED("drifted"), ABSENT("absent"), UNREACHABLE("unreachable"), UNMANAGED("unmanaged");

    private final String word;

    ClusterState(String word) {
        this.word = word;
    }

    @JsonValue
    public String word() {
        return word;
    }

    /**
     * @param managed whether meshns manages the namespace ({@link Rollout#managed(boolean)})
     * @param labels the cluster's namespace labels; null when it has no such namespace
     */
    public static ClusterState of(boolean managed, Injection wanted, Map<String, String> labels) {
        if (labels == null) {
            return ABSENT;
        }
        if (!managed) {
            return UNMANAGED;
        }
        return wanted.changeFrom(labels).isEmpty() ? IN_SYNC : DRIFTED;
    }
}
