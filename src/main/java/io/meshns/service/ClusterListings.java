package io.meshns.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.config.MeshConfig;
import io.meshns.kube.Deadline;
import io.meshns.kube.NamespacePages;
import io.meshns.mesh.Injection;
import io.meshns.mesh.ReconcilePlan;

/**
 * What a reconcile reads of its clusters: one LIST of each (page by page), all at once, keeping of
 * each namespace of the mesh its resourceVersion and injection labels only.
 */
@ApplicationScoped
class ClusterListings {

    private final FanOut fanOut;
    private final int pageSize;

    ClusterListings(FanOut fanOut, MeshConfig config) {
        this.fanOut = fanOut;
        this.pageSize = Math.max(1, config.listPageSize());
    }

    /**
     * One LIST per cluster (page by page), all clusters at once, each keeping only the namespaces
     * in {@code managed} (all until it is known; all when it is null: the control plane did not answer).
     * Each page may take the fan-out timeout; the whole listing, until {@code deadline}.
     */
    Map<String, Listing> list(List<DataPlane> clusters, CompletableFuture<Set<String>> managed, Deadline until) {
        return fanOut.acrossClustersPaged(clusters, until,
                (cluster, deadline) -> listAll(cluster, managed, deadline).thenApply(Listing::new),
                (cluster, why) -> Listing.failed(why));
    }

    /**
     * A cluster's namespaces of the mesh, page by page ({@link NamespacePages}): of each page only
     * the namespaces in {@code managed} are kept (every one, while the control plane has not
     * answered, until it has). Each page has the fan-out timeout, the whole listing {@code deadline}.
     */
    private CompletableFuture<Map<String, Listed>> listAll(DataPlane cluster, CompletableFuture<Set<String>> managed,
            Deadline deadline) {
        // Pages read before the control plane answered were kept whole: trimmed once it has.
        return NamespacePages.read(cluster.client(), pageSize, () -> fanOut.requestDeadline(deadline), managed, Listed::of)
                .thenCombine(managed, (all, names) -> {
                    if (names != null) {
                        all.keySet().retainAll(names);
                    }
                    return all;
                });
    }

    /**
     * What a reconcile keeps of a listed namespace of the mesh: its resourceVersion and its injection
     * labels, no more. A thousand clusters' listings, held until they are compared, stay within a
     * small heap; a repair's patch needs no other label (it only sets or removes the injection keys).
     */
    record Listed(String resourceVersion, Map<String, String> labels) {

        static Listed of(Namespace namespace) {
            Map<String, String> all = namespace.getMetadata().getLabels();
            Map<String, String> injection = new HashMap<>(4);
            if (all != null) {
                Injection.KEYS.forEach(key -> {
                    if (all.containsKey(key)) {
                        injection.put(key, all.get(key));
                    }
                });
            }
            return new Listed(namespace.getMetadata().getResourceVersion(), Map.copyOf(injection));
        }

        /** A copy for the patch: with no injection label it is sent as a merge patch, which keeps every other label. */
        Namespace toNamespace(String name) {
            return new NamespaceBuilder().withNewMetadata().withName(name)
                    .withResourceVersion(resourceVersion).withLabels(labels).endMetadata().build();
        }
    }

    /** One cluster's namespaces, by name, from its LIST, or why the LIST failed. */
    record Listing(Map<String, Listed> namespaces, String failure) {

        Listing(Map<String, Listed> namespaces) {
            this(namespaces, null);
        }

        static Listing failed(String why) {
            return new Listing(Map.of(), why);
        }

        ReconcilePlan.Listing forPlan() {
            if (failure != null) {
                return ReconcilePlan.Listing.failed(failure);
            }
            Map<String, Map<String, String>> labels = new HashMap<>();
            namespaces.forEach((name, listed) -> labels.put(name, listed.labels()));
            return ReconcilePlan.Listing.of(labels);
        }
    }
}
