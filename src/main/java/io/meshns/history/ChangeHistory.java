package io.meshns.history;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.state.StateStore;

/**
 * The one place a change is written down, like metrics are counted: a Kubernetes Event in the
 * control plane on the object changed (so kubectl describe shows it) and, for a mesh namespace, an
 * entry in its state ConfigMap's last {@value #KEPT} changes. Best effort: failing to write
 * history never fails the change it describes.
 */
@ApplicationScoped
public class ChangeHistory {

    private static final Logger LOG = Logger.getLogger(ChangeHistory.class);
    /** How many changes of a namespace getNamespace returns. */
    public static final int KEPT = 20;
    /**
     * An Event about a cluster-scoped object (a Namespace) must live in "default": the API server
     * refuses one whose namespace differs from its object's, and accepts "default" for none.
     */
    static final String CLUSTER_SCOPED_EVENTS = "default";
    static final String COMPONENT = "meshns";

    public static final String NAMESPACE_CREATED = "NamespaceCreated";
    public static final String NAMESPACE_DELETED = "NamespaceDeleted";
    public static final String REPAIRED = "Repaired";
    public static final String CLUSTER_REGISTERED = "ClusterRegistered";
    public static final String CLUSTER_DEREGISTERED = "ClusterDeregistered";

    private final KubernetesClient client;
    private final StateStore store;

    public ChangeHistory(KubernetesClient client, StateStore store) {
        this.client = client;
        this.store = store;
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

    /** A change of a mesh namespace: its Event and an entry of its history. */
    public void namespaceChanged(Namespace namespace, String reason, String by, String what, List<Outcome> outcomes) {
        String name = namespace.getMetadata().getName();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> clusters = new LinkedHashMap<>();
        outcomes.forEach(o -> clusters.put(o.cluster(), o.outcome().word()));
        HistoryEntry entry = new HistoryEntry(now.toString(), by, reason, clusters);
        try {
            store.addNamespaceHistory(name, entry, KEPT);
        } catch (RuntimeException e) {
            LOG.warnf("the history of namespace %s could not be recorded: %s", name, e.getMessage());
        }
        event(reference(namespace), CLUSTER_SCOPED_EVENTS, reason, message(reason, by, what, outcomes), now);
    }

    /** A mesh namespace deleted: its Event only (its state, history included, goes with it). */
    public void namespaceDeleted(Namespace namespace, String by) {
        event(reference(namespace), CLUSTER_SCOPED_EVENTS, NAMESPACE_DELETED,
                "namespace deleted by " + by + " (data-plane clusters untouched)", Instant.now());
    }

    /** A cluster registered or deregistered: an Event on its ConfigMap in the state namespace. */
    public void clusterChanged(HasMetadata configMap, String cluster, String reason, String by, String what) {
        ObjectReference target = configMap != null ? reference(configMap)
                : new ObjectReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                        .withNamespace(store.namespace()).withName("cluster-" + cluster).build();
        event(target, store.namespace(), reason, "cluster " + cluster + " " + what + " by " + by, Instant.now());
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

    private void event(ObjectReference target, String namespace, String reason, String message, Instant now) {
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        // core/v1 Events, which kubectl describe shows on every version (events.k8s.io ones too, but not before 1.2x).
        Event event = new EventBuilder().withNewMetadata()
                .withName(target.getName() + "." + Long.toHexString(System.currentTimeMillis() * 1_000_000 + System.nanoTime() % 1_000_000))
                .withNamespace(namespace).endMetadata()
                .withInvolvedObject(target).withReason(reason).withMessage(truncated(message)).withType("Normal")
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1).build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("event %s on %s %s could not be written: %s", reason, target.getKind(), target.getName(), e.getMessage());
        }
    }

    /** The API server refuses an Event message over 1 KiB. */
    private static String truncated(String message) {
        return message.length() <= 1000 ? message : message.substring(0, 997) + "...";
    }
}
