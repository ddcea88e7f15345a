package io.meshns.mesh;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** describeMesh's answer: the mesh's namespaces against its clusters, each cell read live. */
@RegisterForReflection
public record MeshDescription(List<String> clusters, List<Row> namespaces) {

    /**
     * One namespace: what the control plane wants, whether meshns manages it (as reconcile judges:
     * an injection label in the control plane, or a state record), and what each cluster has.
     */
    @RegisterForReflection
    public record Row(String name, String injection, String revision, boolean managed, List<Cell> clusters) {
    }

    /**
     * One namespace in one cluster: its {@link ClusterState}, what it should have ({@code wanted}:
     * enabled, disabled, unset or rev:R), what it has (null when absent or unreachable), the
     * restart impact with "pods": true, and why when something could not be read.
     */
    @RegisterForReflection
    public record Cell(String cluster, ClusterState state, String wanted, String injection, String revision,
            @JsonInclude(JsonInclude.Include.NON_NULL) RestartImpact restart,
            @JsonInclude(JsonInclude.Include.NON_NULL) String message) {
    }
}
