package io.meshns.mesh;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import io.meshns.error.ErrorCode;

/** Namespaces no call may create, delete or relabel: Kubernetes' and Istio's own, and meshns' state. */
public final class ProtectedNamespaces {

    public static final Set<String> BUILT_IN = Set.of("kube-system", "kube-public", "kube-node-lease", "istio-system");

    private final java.util.SortedSet<String> names;

    public ProtectedNamespaces(String stateNamespace, Collection<String> configured) {
        java.util.SortedSet<String> all = new TreeSet<>(BUILT_IN);
        all.add(stateNamespace);
        all.addAll(configured);
        this.names = java.util.Collections.unmodifiableSortedSet(all);
    }

    public boolean contains(String name) {
        return names.contains(name);
    }

    /** Throws a 403 when {@code name} is protected. */
    public void requireUnprotected(String name) {
        if (contains(name)) {
            throw ErrorCode.PROTECTED_NAMESPACE.error("namespace \"" + name
                    + "\" is protected: meshns never creates, deletes or relabels it (protected: " + names + ")");
        }
    }
}
