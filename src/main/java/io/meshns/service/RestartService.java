package io.meshns.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.cluster.LiveReader;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.Deadline;
import io.meshns.kube.WorkloadRestarter;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.RestartPlan;
import io.meshns.mesh.Rollout;
import io.meshns.mesh.WorkloadRestarts;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;

/**
 * restartWorkloads: in each cluster that has the namespace, restarts the workloads whose pods'
 * proxies do not match what the namespace should have there (its restart impact), the way kubectl
 * rollout restart does; bare pods and Jobs' pods are left, with why. Reads every cluster at once
 * (namespace, injectors, pods), then patches every cluster's workloads at once.
 */
@ApplicationScoped
public class RestartService {

    private final ControlPlane controlPlane;
    private final ClusterRegistry registry;
    private final LiveReader reader;
    private final FanOut fanOut;
    private final ProtectedNamespaces protectedNamespaces;
    private final NamespaceStates store;
    private final ChangeRecorder recorder;

    public RestartService(ControlPlane controlPlane, ClusterRegistry registry, LiveReader reader, FanOut fanOut,
            ProtectedNamespaces protectedNamespaces, NamespaceStates store, ChangeRecorder recorder) {
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.reader = reader;
        this.fanOut = fanOut;
        this.protectedNamespaces = protectedNamespaces;
        this.store = store;
        this.recorder = recorder;
    }

    /** Restarts in every cluster when {@code clusters} is null, else in those only. */
    public WorkloadRestarts restart(String namespace, List<String> clusters, ChangeOptions options) {
        Names.requireValid("namespace", namespace);
        protectedNamespaces.requireUnprotected(namespace);
        Namespace current = controlPlane.get(namespace);
        Set<String> named = clusters == null ? null : registry.requireRegistered(clusters);
        List<DataPlane> targets = registry.dataPlanes().stream().filter(c -> named == null || named.contains(c.name())).toList();
        Wanted wanted = wanted(current);

        Map<String, LiveReader.Live> live = reader.read(targets, namespace, new LiveReader.Needs(true, true),
                Deadline.in(fanOut.timeout()));
        String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, WorkloadRestarts.InCluster> done = fanOut.acrossClusters(targets,
                (cluster, deadline) -> restartIn(cluster, namespace, wanted, live.get(cluster.name()), at, options.dryRun(),
                        deadline),
                (cluster, why) -> WorkloadRestarts.InCluster.failed(cluster.name(), why));
        List<WorkloadRestarts.InCluster> answers = targets.stream().map(c -> done.get(c.name())).toList();

        if (options.dryRun()) {
            return new WorkloadRestarts(namespace, Boolean.TRUE, answers);
        }
        record(current, answers, options.by());
        return new WorkloadRestarts(namespace, null, answers);
    }

    /**
     * What each cluster's pods are judged by: the namespace's wanted state there, as getNamespace
     * shows it. In a namespace meshns does not manage, meshns wants nothing: its pods are judged by
     * the labels each cluster has, as describeMesh judges them, so only pods that a restart would
     * change are restarted.
     */
    private record Wanted(Rollout rollout, boolean managed) {

        Injection in(String cluster, Namespace there) {
            return managed ? rollout.in(cluster) : Injection.fromLabels(there.getMetadata().getLabels());
        }
    }

    private Wanted wanted(Namespace current) {
        NamespaceState.Intent intent = store.namespaceState(current.getMetadata().getName()).map(NamespaceState::intent)
                .orElse(NamespaceState.Intent.NONE);
        Rollout rollout = intent.rollout(current.getMetadata().getLabels());
        return new Wanted(rollout, rollout.managed(intent.manages()));
    }

    /** One cluster, from what was read of it: nothing to do, or its workloads patched (all at once). */
    private static CompletableFuture<WorkloadRestarts.InCluster> restartIn(DataPlane cluster, String namespace, Wanted wanted,
            LiveReader.Live read, String at, boolean dryRun, Deadline deadline) {
        if (read.failure() != null) {
            return CompletableFuture.completedFuture(WorkloadRestarts.InCluster.failed(cluster.name(), read.failure()));
        }
        Namespace there = read.namespace(namespace);
        if (there == null) {
            return CompletableFuture.completedFuture(WorkloadRestarts.InCluster.absent(cluster.name()));
        }
        List<Pod> pods = read.podsOf(namespace);
        if (pods == null) {
            return CompletableFuture.completedFuture(WorkloadRestarts.InCluster.failed(cluster.name(),
                    "pods could not be listed: " + read.podsUnknown()));
        }
        RestartPlan plan = RestartPlan.of(InjectionCheck.impact(wanted.in(cluster.name(), there), read, pods).workloads());
        if (plan.restart().isEmpty()) {
            return CompletableFuture.completedFuture(new WorkloadRestarts.InCluster(cluster.name(),
                    Outcome.Result.UNCHANGED.word(), List.of(), plan.skipped(), null));
        }
        return WorkloadRestarter.restart(cluster.client(), namespace, plan.restart(), at, dryRun, deadline)
                .thenApply(attempts -> inCluster(cluster.name(), plan, attempts));
    }

    private static WorkloadRestarts.InCluster inCluster(String cluster, RestartPlan plan, List<WorkloadRestarter.Attempt> attempts) {
        List<String> restarted = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (WorkloadRestarter.Attempt attempt : attempts) {
            if (attempt.done()) {
                restarted.add(attempt.workload().id());
            } else {
                failures.add(attempt.workload().id() + ": " + attempt.failure());
            }
        }
        if (failures.isEmpty()) {
            return new WorkloadRestarts.InCluster(cluster, Outcome.Result.APPLIED.word(), restarted, plan.skipped(), null);
        }
        return new WorkloadRestarts.InCluster(cluster, Outcome.Result.FAILED.word(), restarted, plan.skipped(),
                "not restarted: " + String.join("; ", failures));
    }

    /**
     * A restart that was not a no-op everywhere (some cluster applied or failed) leaves an Event on
     * the namespace and an entry in its history.
     * The entry goes through the state's own read-modify-write, without the namespace's lock: it
     * changes no labels, so it needs no turn among injection changes, and a conflict with one is
     * read again and reapplied.
     */
    private void record(Namespace namespace, List<WorkloadRestarts.InCluster> answers, String by) {
        List<Outcome> outcomes = answers.stream().map(WorkloadRestarts.InCluster::asOutcome).toList();
        String name = namespace.getMetadata().getName();
        List<String> restarted = answers.stream().flatMap(a -> a.restarted().stream().map(w -> a.cluster() + ":" + w)).toList();
        if (outcomes.stream().noneMatch(o -> o.outcome() == Outcome.Result.APPLIED || o.outcome() == Outcome.Result.FAILED)) {
            return;
        }
        store.updateNamespaceState(name,
                state -> state.withHistory(ChangeHistory.entry(ChangeHistory.WORKLOADS_RESTARTED, by, outcomes)));
        recorder.namespaceChanged(namespace, ChangeHistory.WORKLOADS_RESTARTED, by, "restarted " + restarted, outcomes);
    }
}
