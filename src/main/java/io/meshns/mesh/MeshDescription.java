package io.meshns.mesh;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * describeMesh's answer: the mesh's namespaces against its clusters, each cell read live. With
 * "pods": true also each cluster's {@code injectors} (the revisions its sidecar injectors serve;
 * a cluster whose webhooks could not be listed is left out). {@code lastRepair}: the time of the
 * newest Repaired entry in the described namespaces' histories (null: none is recorded).
 */
@RegisterForReflection
public record MeshDescription(List<String> clusters, List<Row> namespaces,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, List<String>> injectors,
        @JsonInclude(JsonInclude.Include.NON_NULL) String lastRepair) {

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
