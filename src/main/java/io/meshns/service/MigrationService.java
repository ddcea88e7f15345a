package io.meshns.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Namespace;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.FanOut;
import io.meshns.cluster.LiveReader;
import io.meshns.config.CallBudget;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.history.ChangeHistory;
import io.meshns.kube.ControlPlane;
import io.meshns.kube.DataPlaneLabeler;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.mesh.Injection;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.Names;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.ProtectedNamespaces;
import io.meshns.mesh.RevisionMigration;
import io.meshns.mesh.Rollout;
import io.meshns.service.NamespaceLock.Change;
import io.meshns.service.NamespaceLock.Locked;
import io.meshns.state.NamespaceState;
import io.meshns.state.NamespaceStates;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Moves every managed namespace whose wanted injection is exactly one revision to the next, mesh-wide
 * or in some clusters (a ring), as a canary upgrade of Istio needs: one read of the clusters that
 * move (namespaces, injectors, pods), the injector precheck for the new revision before anything is
 * written, then each namespace under its own lock, many at once.
 */
@ApplicationScoped
public class MigrationService {

    /**
     * Namespaces moved at once. Each waits mostly on round trips (its lock, its label, its clusters'
     * patches in parallel), so many overlap; the control plane sees at most this many of ours at a time.
     */
    private static final int PARALLEL_NAMESPACES = 128;

    private final ControlPlane controlPlane;
    private final NamespaceStates store;
    private final ClusterRegistry registry;
    private final LiveReader reader;
    private final InjectionCheck check;
    private final NamespaceLock lock;
    private final FanOut fanOut;
    private final CallBudget budget;
    private final ProtectedNamespaces protectedNamespaces;
    private final ChangeRecorder recorder;

    public MigrationService(ControlPlane controlPlane, NamespaceStates store, ClusterRegistry registry, LiveReader reader,
            InjectionCheck check, NamespaceLock lock, FanOut fanOut, CallBudget budget,
            ProtectedNamespaces protectedNamespaces, ChangeRecorder recorder) {
        this.controlPlane = controlPlane;
        this.store = store;
        this.registry = registry;
        this.reader = reader;
        this.check = check;
        this.lock = lock;
        this.fanOut = fanOut;
        this.budget = budget;
        this.protectedNamespaces = protectedNamespaces;
        this.recorder = recorder;
    }

    /** What was asked: revision names ("default": istio-injection=enabled), the clusters (null: mesh-wide), the namespaces (null: all). */
    public record Migration(String from, String to, List<String> clusters, List<String> namespaces) {
    }

    /** One namespace's outcomes in the clusters it moved in. */
    @RegisterForReflection
    public record NamespaceResult(String namespace, List<Outcome> clusters) {
    }

    @RegisterForReflection
    public record Report(String from, String to, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean dryRun,
            List<NamespaceResult> results) {
    }

    public Report migrate(Migration migration, ChangeOptions options) {
        Deadline call = Deadline.in(budget.call());
        Injection from = RevisionMigration.wanted(migration.from());
        Injection to = RevisionMigration.wanted(migration.to());
        if (migration.namespaces() != null) {
            if (migration.namespaces().isEmpty()) {
                throw ErrorCode.EMPTY_NAMESPACES.error("'namespaces' is empty: name at least one namespace,"
                        + " or leave it out to move every namespace meshns manages");
            }
            migration.namespaces().forEach(ns -> {
                Names.requireValid("namespaces", ns);
                protectedNamespaces.requireUnprotected(ns);
            });
        }
        Set<String> selected = migration.clusters() == null ? null : registry.requireRegistered(migration.clusters());
        Boolean dryRun = options.dryRun() ? Boolean.TRUE : null;

        // 1. What moves: each managed namespace's rollout, as the control plane and the state say.
        List<DataPlane> planes = registry.dataPlanes();
        List<String> registered = planes.stream().map(DataPlane::name).toList();
        Map<String, RevisionMigration.Step> steps = new TreeMap<>();
        managed(migration.namespaces()).forEach((ns, rollout) -> {
            RevisionMigration.Step step = RevisionMigration.step(rollout, from, to, selected, registered);
            if (!step.isEmpty()) {
                steps.put(ns, step);
            }
        });
        if (steps.isEmpty()) {
            return new Report(migration.from(), migration.to(), dryRun, List.of());
        }

        // 2. One read of every cluster that moves: its namespaces, injectors and pods.
        Set<String> moving = new LinkedHashSet<>();
        steps.values().forEach(step -> moving.addAll(step.clusters()));
        List<DataPlane> targets = planes.stream().filter(p -> moving.contains(p.name())).toList();
        Map<String, LiveReader.Live> live = reader.read(targets, null,
                new LiveReader.Needs(InjectorPresence.needsInjector(to), true, CompletableFuture.completedFuture(steps.keySet())),
                fanOut.requestDeadline(call));

        // 3. The precheck for the new revision, before anything is written anywhere.
        if (!options.force()) {
            requireInjectors(steps, live, to);
        }

        // 4. Each namespace under its own lock (a dry run: from the read alone, nothing written).
        Map<String, DataPlane> byName = new LinkedHashMap<>();
        targets.forEach(p -> byName.put(p.name(), p));
        Map<String, List<Outcome>> results = new ConcurrentHashMap<>();
        fanOut.forEach(steps.keySet(), PARALLEL_NAMESPACES, ns -> results.put(ns, options.dryRun()
                ? preview(ns, steps.get(ns), live, options)
                : move(ns, steps.get(ns), from, to, selected, registered, byName, live, options, call)));
        return new Report(migration.from(), migration.to(), dryRun,
                steps.keySet().stream().map(ns -> new NamespaceResult(ns, results.get(ns))).toList());
    }

    /** Each managed namespace's rollout (only those named, when some are: an unknown one is a 404). */
    private Map<String, Rollout> managed(List<String> only) {
        Map<String, NamespaceState.Intent> intents = store.allNamespaceIntents();
        List<Namespace> namespaces = only == null ? controlPlane.list(null) : only.stream().map(controlPlane::get).toList();
        return ManagedNamespaces.of(namespaces, name -> intents.getOrDefault(name, NamespaceState.Intent.NONE),
                protectedNamespaces);
    }

    /** 409 injector-missing naming every cluster that would move a namespace it has and cannot inject {@code to}. */
    private static void requireInjectors(Map<String, RevisionMigration.Step> steps, Map<String, LiveReader.Live> live,
            Injection to) {
        if (!InjectorPresence.needsInjector(to)) {
            return;
        }
        Set<String> missing = new java.util.TreeSet<>();
        Set<String> namespaces = new java.util.TreeSet<>();
        steps.forEach((ns, step) -> step.clusters().forEach(cluster -> {
            if (InjectionCheck.lacksInjector(live.get(cluster), ns, to)) {
                missing.add(cluster);
                namespaces.add(ns);
            }
        }));
        if (!missing.isEmpty()) {
            throw InjectionCheck.injectorMissing(to, List.copyOf(missing),
                    (namespaces.size() == 1 ? "namespace " : "namespaces ") + String.join(", ", namespaces));
        }
    }

    /** What moving {@code ns} would do in each of its clusters, judged from the read. */
    private List<Outcome> preview(String ns, RevisionMigration.Step step, Map<String, LiveReader.Live> live,
            ChangeOptions options) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String cluster : step.clusters()) {
            LiveReader.Live read = live.get(cluster);
            Injection wanted = step.after().in(cluster);
            Outcome outcome;
            if (read.failure() != null) {
                outcome = Outcome.failed(cluster, read.failure());
            } else if (read.namespace(ns) == null) {
                outcome = Outcome.absent(cluster);
            } else {
                boolean changes = !wanted.changeFrom(read.namespace(ns).getMetadata().getLabels()).isEmpty();
                outcome = check.annotate(changes ? Outcome.applied(cluster) : Outcome.unchanged(cluster), read, ns, wanted,
                        options.force());
            }
            outcomes.add(outcome.withWanted(wanted));
        }
        return outcomes;
    }

    /**
     * Moves one namespace under its lock, judged again from its rollout as the lock was taken: a
     * change that came since wins, and a namespace already moved is left alone. A namespace that is
     * busy, or that the call's time does not reach, fails in each of its clusters, saying so.
     */
    private List<Outcome> move(String ns, RevisionMigration.Step planned, Injection from, Injection to, Set<String> selected,
            List<String> registered, Map<String, DataPlane> planes, Map<String, LiveReader.Live> live, ChangeOptions options,
            Deadline call) {
        try {
            if (budget.lockWait(call).passed()) {
                throw new NotMoved("not reached: this call ran out of time (meshns.call-timeout); run it again to move the rest");
            }
            Locked<Namespace> done = lock.run(ns, fanOut.requestDeadline(budget.lockWait(call)), lease -> {
                Judged judged = judge(ns, lease.state(), from, to, selected, registered, fanOut.requestDeadline(lease.deadline()));
                RevisionMigration.Step step = judged.step();
                if (step.isEmpty()) {
                    return Locked.nothing(judged.namespace());
                }
                Namespace labelled = judged.namespace();
                List<Outcome> outcomes = label(ns, step, planes, live, options, lease.deadline());
                Map<String, Injection> settings = step.after().clusters();
                return Locked.recording(labelled, new Change(step.after().meshWide(), outcomes,
                        state -> withSettings(state, settings))
                        .withHistory(ChangeHistory.entry(ChangeHistory.REVISION_MIGRATED, options.by(), outcomes)));
            });
            if (done.change() == null) {
                return List.of();
            }
            List<Outcome> outcomes = List.copyOf(done.change().outcomes());
            recorder.namespaceChanged(done.result(), ChangeHistory.REVISION_MIGRATED, options.by(),
                    from.encode() + " to " + to.encode() + (selected == null ? "" : " in " + selected), outcomes);
            return outcomes;
        } catch (NotMoved e) {
            return notMoved(planned, e.getMessage());
        } catch (MeshException e) {
            return notMoved(planned, "not moved: " + e.getMessage() + " (run it again)");
        } catch (RuntimeException e) {
            return notMoved(planned, "not moved: " + KubeErrors.describe(e));
        }
    }

    /** A namespace's move as judged under its lock, and the namespace as it then is in the control plane. */
    private record Judged(Namespace namespace, RevisionMigration.Step step) {
    }

    /**
     * Judges the move from the state as the lock was taken and the namespace's labels, labelling the
     * control plane when the mesh-wide setting moves. It starts from the copy this call listed, with
     * a PATCH conditional on that copy being current (no read), and reads the namespace afresh and
     * judges again when the copy changed since, or when only some clusters move and nothing is
     * written in the control plane to prove the copy current.
     */
    private Judged judge(String ns, NamespaceState state, Injection from, Injection to, Set<String> selected,
            List<String> registered, Deadline deadline) {
        Function<Namespace, RevisionMigration.Step> stepFrom = namespace -> RevisionMigration.step(
                state.intent().rollout(namespace.getMetadata().getLabels()), from, to, selected, registered);
        Namespace listed = controlPlane.lastKnown(ns).orElse(null);
        if (listed != null) {
            RevisionMigration.Step step = stepFrom.apply(listed);
            if (step.meshWideMoves()) {
                Optional<Namespace> labelled = controlPlane.labelIfUnchanged(listed, step.after().meshWide(), deadline);
                if (labelled.isPresent()) {
                    return new Judged(labelled.get(), step);
                }
            }
        }
        Namespace current = controlPlane.get(ns);
        RevisionMigration.Step step = stepFrom.apply(current);
        Namespace labelled = step.meshWideMoves() ? controlPlane.label(ns, step.after().meshWide(), deadline) : current;
        return new Judged(labelled, step);
    }

    /** The namespace's new labels in each cluster that moves, from the read; one outcome each, with its restart impact. */
    private List<Outcome> label(String ns, RevisionMigration.Step step, Map<String, DataPlane> planes,
            Map<String, LiveReader.Live> live, ChangeOptions options, Deadline deadline) {
        List<DataPlane> clusters = step.clusters().stream().map(planes::get).filter(java.util.Objects::nonNull).toList();
        Map<String, Outcome> labelled = fanOut.acrossClusters(clusters, deadline, (cluster, d) -> {
            LiveReader.Live read = live.get(cluster.name());
            if (read.failure() != null) {
                return CompletableFuture.completedFuture(Outcome.failed(cluster.name(), read.failure()));
            }
            return ClusterLabel.fromRead(cluster, read, ns, step.after().in(cluster.name()), DataPlaneLabeler.Read.EARLIER, d,
                    options, check);
        }, (cluster, why) -> Outcome.failed(cluster.name(), why));
        return step.clusters().stream()
                .map(c -> labelled.getOrDefault(c, Outcome.failed(c, "no longer registered")).withWanted(step.after().in(c)))
                .toList();
    }

    /** {@code state} with exactly {@code settings} as its clusters' own settings. */
    private static NamespaceState withSettings(NamespaceState state, Map<String, Injection> settings) {
        NamespaceState after = state.withoutSettings();
        for (Map.Entry<String, Injection> setting : settings.entrySet()) {
            after = after.withSetting(List.of(setting.getKey()), setting.getValue());
        }
        return after;
    }

    /** Failed outcomes, saying why, in each cluster the namespace was to move in. */
    private static List<Outcome> notMoved(RevisionMigration.Step planned, String why) {
        return planned.clusters().stream().map(c -> Outcome.failed(c, why).withWanted(planned.after().in(c))).toList();
    }

    /** The call's time is up before this namespace's turn. */
    private static final class NotMoved extends RuntimeException {
        NotMoved(String why) {
            super(why, null, false, false);
        }
    }
}
