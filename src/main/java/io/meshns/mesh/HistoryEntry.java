package io.meshns.mesh;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One change of a mesh namespace as getNamespace shows it: when, by whom, what, and each cluster's outcome. */
@RegisterForReflection
public record HistoryEntry(String time, String by, String change, Map<String, String> clusters) {
}
