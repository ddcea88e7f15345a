package io.meshns.mesh;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A namespace of the mesh as callers see it: control-plane labels, injection, per-cluster outcomes. */
@RegisterForReflection
public record MeshNamespace(String name, Map<String, String> labels, String injection, String revision,
        List<Outcome> clusters) {

    public static MeshNamespace of(String name, Map<String, String> labels, List<Outcome> clusters) {
        Map<String, String> safe = labels == null ? Map.of() : labels;
        Injection injection = Injection.fromLabels(safe);
        return new MeshNamespace(name, safe, injection.mode().word(), injection.revision(), clusters);
    }
}
