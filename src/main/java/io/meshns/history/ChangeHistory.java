package io.meshns.history;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.kube.KubeErrors;
import io.meshns.kube.Threads;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.state.StateNamespace;
import io.quarkus.runtime.ShutdownEvent;

/**
 * The one place a change is written down, like metrics are counted: a Kubernetes Event in the
 * control plane on the object changed (so kubectl describe shows it) and, for a mesh namespace, the
 * entry its state keeps among its last changes (written by the same write that records the
 * change's outcomes). Best effort: failing to write history never fails the change it describes.
 * <p>
 * Events are sent in the background, after the call has its answer, so a remote control plane's
 * round trip for them is not part of the call's time. A few threads and a bounded queue send them;
 * when the queue is full (a control plane that stopped answering) further Events are dropped, with
 * a warning, rather than holding memory or threads.
 */
@ApplicationScoped
public class ChangeHistory {

    private static final Logger LOG = Logger.getLogger(ChangeHistory.class);
    /**
     * An Event about a cluster-scoped object (a Namespace) must live in "default": the API server
     * refuses one whose namespace differs from its object's, and accepts "default" for none.
     */
    static final String CLUSTER_SCOPED_EVENTS = "default";
    static final String COMPONENT = "meshns";
    /** How long a stopping instance gives its last Events. */
    private static final Duration LAST_EVENTS = Duration.ofSeconds(5);

    public static final String NAMESPACE_CREATED = "NamespaceCreated";
    public static final String NAMESPACE_DELETED = "NamespaceDeleted";
    public static final String REPAIRED = HistoryEntry.REPAIRED;
    public static final String CLUSTER_REGISTERED = "ClusterRegistered";
    public static final String CLUSTER_DEREGISTERED = "ClusterDeregistered";
    public static final String CLUSTER_UPDATED = "ClusterUpdated";
    public static final String REVISION_MIGRATED = "RevisionMigrated";
    public static final String WORKLOADS_RESTARTED = "WorkloadsRestarted";

    private final KubernetesClient client;
    private final StateNamespace stateNamespace;
    /** A few threads and a bounded queue, which refuses an Event when full. */
    private final Executor sender;
    /** Events submitted and not yet sent or given up. */
    private final AtomicInteger pending = new AtomicInteger();

    public ChangeHistory(KubernetesClient client, StateNamespace stateNamespace, Threads threads) {
        this.client = client;
        this.stateNamespace = stateNamespace;
        this.sender = threads.events();
    }

    /** The reason of an injection change: InjectionEnabled, InjectionDisabled, InjectionRemoved, AmbientEnabled. */
    public static String reason(Injection wanted) {
        return switch (wanted.mode()) {
            case ENABLED -> "InjectionEnabled";
            case DISABLED -> "InjectionDisabled";
            case UNSET -> "InjectionRemoved";
            case AMBIENT -> "AmbientEnabled";
        };
    }

    /** The entry a change of a mesh namespace leaves in its state's history: now, who, what, each cluster's outcome. */
    public static HistoryEntry entry(String reason, String by, Collection<Outcome> outcomes) {
        Map<String, String> clusters = new LinkedHashMap<>();
        outcomes.forEach(o -> clusters.put(o.cluster(), o.outcome().word()));
        return new HistoryEntry(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), by, reason, clusters);
    }

    /** A change of a mesh namespace: its Event (its history entry went with the change's own record). */
    public void namespaceChanged(Namespace namespace, String reason, String by, String what, List<Outcome> outcomes) {
        event(reference(namespace), CLUSTER_SCOPED_EVENTS, reason, message(reason, by, what, outcomes));
    }

    /** A mesh namespace deleted: its Event only (its state, history included, goes with it). */
    public void namespaceDeleted(Namespace namespace, String by) {
        event(reference(namespace), CLUSTER_SCOPED_EVENTS, NAMESPACE_DELETED,
                "namespace deleted by " + by + " (data-plane clusters untouched)");
    }

    /** A cluster registered, updated or deregistered: an Event on its ConfigMap in the state namespace. */
    public void clusterChanged(HasMetadata configMap, String cluster, String reason, String by, String what) {
        ObjectReference target = configMap != null ? reference(configMap)
                : new ObjectReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                        .withNamespace(stateNamespace.name()).withName("cluster-" + cluster).build();
        event(target, stateNamespace.name(), reason, "cluster " + cluster + " " + what + " by " + by);
    }

    /**
     * Waits until every Event handed over so far was sent or given up, at most {@code timeout};
     * false when some are still on their way. For a stopping instance, and for tests that look for them.
     */
    public boolean settle(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (pending) {
            while (pending.get() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(pending, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A stopping instance sends its last Events first, while its control-plane client is still open.
     * Only an instance that has recorded something has any: one that never did stops without making
     * this bean, and with it the control-plane client, just to find nothing pending.
     */
    void stopping(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent stopping) {
        if (!settle(LAST_EVENTS)) {
            LOG.warnf("%d events were not sent before the instance stopped", pending.get());
        }
    }

    static String message(String reason, String by, String what, List<Outcome> outcomes) {
        String clusters = outcomes.isEmpty() ? "no data-plane cluster"
                : outcomes.stream().map(o -> o.cluster() + "=" + o.outcome().word()).collect(Collectors.joining(", "));
        return reason + (what == null ? "" : " (" + what + ")") + " by " + by + "; clusters: " + clusters;
    }

    private static ObjectReference reference(HasMetadata object) {
        return new ObjectReferenceBuilder().withApiVersion(object.getApiVersion() == null ? "v1" : object.getApiVersion())
                .withKind(object.getKind()).withName(object.getMetadata().getName())
                .withNamespace(object.getMetadata().getNamespace()).withUid(object.getMetadata().getUid()).build();
    }

    /** Hands the Event to the sender: the call goes on (and answers) without waiting for it. */
    private void event(ObjectReference target, String namespace, String reason, String message) {
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        // core/v1 Events, which kubectl describe shows on every version (events.k8s.io ones too, but not before 1.2x).
        Event event = new EventBuilder().withNewMetadata()
                .withName(target.getName() + "." + Long.toHexString(System.currentTimeMillis() * 1_000_000 + System.nanoTime() % 1_000_000))
                .withNamespace(namespace).endMetadata()
                .withInvolvedObject(target).withReason(reason).withMessage(truncated(message)).withType("Normal")
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1).build();
        pending.incrementAndGet();
        try {
            sender.execute(() -> {
                try {
                    client.v1().events().inNamespace(namespace).resource(event).create();
                } catch (RuntimeException e) {
                    // What the API server said, not the request: nothing of a credential is logged.
                    LOG.warnf("event %s on %s %s could not be written: %s", reason, target.getKind(), target.getName(),
                            KubeErrors.describe(e));
                } finally {
                    sent();
                }
            });
        } catch (RejectedExecutionException e) {
            sent();
            LOG.warnf("event %s on %s %s dropped: %d events are already waiting for the control plane", reason,
                    target.getKind(), target.getName(), Threads.EVENTS_QUEUED);
        }
    }

    private void sent() {
        synchronized (pending) {
            pending.decrementAndGet();
            pending.notifyAll();
        }
    }

    /** The API server refuses an Event message over 1 KiB. */
    private static String truncated(String message) {
        return message.length() <= 1000 ? message : message.substring(0, 997) + "...";
    }
}
