package io.meshns.mesh;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one cluster has of one mesh namespace, against what it should have: the cell of
 * describeMesh's matrix. Pure.
 */
public enum ClusterState {
    IN_SYNC("in-sync"), DRIFTED("drifted"), ABSENT("absent"), UNREACHABLE("unreachable");

    private final String word;

    ClusterState(String word) {
        this.word = word;
    }

    @JsonValue
    public String word() {
        return word;
    }

    /**
     * @param labels the cluster's namespace labels; null when it has no such namespace
     */
    public static ClusterState of(Injection wanted, Map<String, String> labels) {
        if (labels == null) {
            return ABSENT;
        }
        return wanted.changeFrom(labels).isEmpty() ? IN_SYNC : DRIFTED;
    }
}
