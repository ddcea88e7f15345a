package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.RevisionReader;
import io.meshns.config.CallBudget;
import io.meshns.kube.Deadline;
import io.meshns.mesh.RevisionReport;
import io.meshns.mesh.Revisions;

/**
 * describeRevisions: which Istio revisions the clusters have installed, and which anything still
 * uses, read live and written nowhere. Costs, in each cluster, one webhook LIST and the namespaces and
 * pods page by page, all clusters at once; in the control plane, the registry's LIST.
 */
@ApplicationScoped
public class RevisionService {

    private final ClusterRegistry registry;
    private final RevisionReader reader;
    private final CallBudget budget;

    public RevisionService(ClusterRegistry registry, RevisionReader reader, CallBudget budget) {
        this.registry = registry;
        this.reader = reader;
        this.budget = budget;
    }

    /** Every registered cluster, or only those named in {@code clusters} (null: all). */
    public RevisionReport describe(List<String> clusters) {
        Deadline deadline = Deadline.in(budget.call()).minus(budget.reserve());
        Set<String> names = clusters == null ? null : registry.requireRegistered(clusters);
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> names == null || names.contains(c.name())).toList();
        List<Revisions.ClusterRead> read = new ArrayList<>(targets.size());
        List<RevisionReport.Unreachable> unreachable = new ArrayList<>();
        for (Map.Entry<String, RevisionReader.Read> cluster : reader.read(targets, deadline).entrySet()) {
            if (cluster.getValue().read() != null) {
                read.add(cluster.getValue().read());
            } else {
                unreachable.add(new RevisionReport.Unreachable(cluster.getKey(), cluster.getValue().failure()));
            }
        }
        return Revisions.describe(read, unreachable);
    }
}
