package io.meshns.service;

import java.util.concurrent.CompletableFuture;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.LiveReader;
import io.meshns.kube.DataPlaneLabeler;
import io.meshns.kube.Deadline;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/**
 * One cluster's label change, started from the namespace as that cluster's read showed it: absent
 * where the read found none, otherwise patched to {@code wanted}; its outcome carries the restart
 * impact and notes {@link InjectionCheck#annotate} gives it. Every change that fans out from a read
 * (enableInjection and its kin, migrateRevision) labels a cluster this way.
 */
final class ClusterLabel {

    private ClusterLabel() {
    }

    static CompletableFuture<Outcome> fromRead(DataPlane cluster, LiveReader.Live read, String namespace, Injection wanted,
            DataPlaneLabeler.Read trust, Deadline deadline, ChangeOptions options, InjectionCheck check) {
        Namespace seen = read.namespace(namespace);
        CompletableFuture<Outcome.Result> result = seen == null ? CompletableFuture.completedFuture(Outcome.Result.ABSENT)
                : DataPlaneLabeler.applyFrom(cluster.client(), namespace, seen, trust, wanted, deadline, options.dryRun());
        return result.thenApply(r -> check.annotate(new Outcome(cluster.name(), r, null), read, namespace, wanted,
                options.force()));
    }
}
