package io.meshns.mesh;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A namespace of the mesh as callers see it: control-plane labels, injection, per-cluster outcomes;
 * {@code dryRun} true on a dry run's answer, {@code history} its last changes (getNamespace only).
 */
@RegisterForReflection
public record MeshNamespace(String name, Map<String, String> labels, String injection, String revision,
        List<Outcome> clusters, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean dryRun,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<HistoryEntry> history) {

    public static MeshNamespace of(String name, Map<String, String> labels, List<Outcome> clusters) {
        Map<String, String> safe = labels == null ? Map.of() : labels;
        Injection injection = Injection.fromLabels(safe);
        return new MeshNamespace(name, safe, injection.mode().word(), injection.revision(), clusters, null, null);
    }

    public MeshNamespace asDryRun() {
        return new MeshNamespace(name, labels, injection, revision, clusters, Boolean.TRUE, history);
    }

    public MeshNamespace withHistory(List<HistoryEntry> entries) {
        return new MeshNamespace(name, labels, injection, revision, clusters, dryRun, entries);
    }
}
