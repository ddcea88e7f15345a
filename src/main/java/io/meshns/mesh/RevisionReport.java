package io.meshns.mesh;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * describeRevisions' answer: every Istio revision seen in the clusters read, sorted by name, each
 * with what every cluster read has of it; and the clusters that could not be read, with why.
 */
@RegisterForReflection
public record RevisionReport(List<Revision> revisions, List<Unreachable> unreachable) {

    /**
     * One revision: {@code inUse} false only when no namespace and no pod of any cluster read uses
     * it (safe to uninstall, as far as those clusters go); its clusters sorted by name.
     */
    @RegisterForReflection
    public record Revision(String revision, boolean inUse, List<ClusterUse> clusters) {
    }

    /**
     * One revision in one cluster: whether an injector webhook of it is there, the tags that point
     * at it there, the namespaces whose labels select it there, and how many pods run its proxy.
     */
    @RegisterForReflection
    public record ClusterUse(String cluster, boolean installed, List<String> tags, List<String> namespaces, int pods) {
    }

    /** A cluster that could not be read; {@code message} says why. */
    @RegisterForReflection
    public record Unreachable(String cluster, String message) {
    }
}
