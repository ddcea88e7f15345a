package io.meshns.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Pod;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.LiveReader;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.kube.Deadline;
import io.meshns.mesh.Injection;
import io.meshns.mesh.InjectorPresence;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.RestartImpact;

/**
 * Looks before an injection change: reads every cluster once (the namespace, its injectors, its
 * pods), refuses the change when a cluster that answers cannot inject it, and tells each outcome
 * what it leaves to restart.
 */
@ApplicationScoped
public class InjectionCheck {

    private final LiveReader reader;
    /** Each cluster's injectors as this instance last listed them, with the client it listed them with. */
    private final Map<String, Injectors> seen = new ConcurrentHashMap<>();

    private record Injectors(DataPlane cluster, List<InjectorPresence.Webhook> webhooks) {
    }

    public InjectionCheck(LiveReader reader) {
        this.reader = reader;
    }

    /** The one read of every cluster before a change of {@code namespace} to {@code wanted}. */
    Look look(List<DataPlane> clusters, String namespace, Injection wanted, Deadline deadline) {
        Map<String, LiveReader.Live> live = reader.read(clusters, namespace,
                new LiveReader.Needs(InjectorPresence.needsInjector(wanted), true), deadline);
        for (DataPlane cluster : clusters) {
            LiveReader.Live read = live.get(cluster.name());
            if (read != null && read.webhooks() != null) {
                seen.put(cluster.name(), new Injectors(cluster, read.webhooks()));
            }
        }
        return new Look(clusters, live);
    }

    /**
     * False only when {@code wanted} needs no injector, or this instance has seen one for it in
     * every one of {@code clusters} (through the same client): then the precheck is not expected to
     * refuse the change, and the read may go alongside the lock. No request.
     */
    boolean mayRefuse(List<DataPlane> clusters, Injection wanted) {
        if (!InjectorPresence.needsInjector(wanted)) {
            return false;
        }
        if (clusters.isEmpty()) {
            return true;
        }
        return clusters.stream().anyMatch(cluster -> {
            Injectors known = seen.get(cluster.name());
            return known == null || !ClusterRegistry.sameClient(known.cluster(), cluster)
                    || !InjectorPresence.present(wanted, known.webhooks());
        });
    }

    /**
     * 409 injector-missing, naming the clusters and the revision, when a cluster that has the
     * namespace and answered has no injector for {@code wanted}. A cluster that could not be asked
     * does not block (its outcome says so); {@code force} skips the check.
     */
    void requireInjectors(String namespace, Injection wanted, Look look, boolean force) {
        if (force || !InjectorPresence.needsInjector(wanted)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        look.live().forEach((cluster, read) -> {
            if (lacksInjector(read, namespace, wanted)) {
                missing.add(cluster);
            }
        });
        if (!missing.isEmpty()) {
            throw injectorMissing(wanted, missing, "namespace \"" + namespace + "\"");
        }
    }

    /** True when {@code read} answered, has {@code namespace}, and has no injector for {@code wanted}. */
    static boolean lacksInjector(LiveReader.Live read, String namespace, Injection wanted) {
        return read != null && read.failure() == null && read.namespace(namespace) != null && read.webhooks() != null
                && !InjectorPresence.present(wanted, read.webhooks());
    }

    /** The 409 refusing a change to {@code wanted} of {@code what} (e.g. namespace "shop") in {@code clusters}. */
    static MeshException injectorMissing(Injection wanted, List<String> clusters, String what) {
        String revision = InjectorPresence.revisionOf(wanted);
        return ErrorCode.INJECTOR_MISSING.error("no sidecar injector for revision \"" + revision
                + "\" in cluster" + (clusters.size() > 1 ? "s " : " ") + String.join(", ", clusters)
                + " (no MutatingWebhookConfiguration labelled istio.io/rev=" + revision + " or istio.io/tag=" + revision
                + (wanted.revision() == null ? ", nor one named istio-sidecar-injector" : "")
                + "): new pods of " + what + " would start without a proxy there. Install that revision,"
                + " or send \"force\": true to set the label anyway; nothing was changed");
    }

    /** {@code outcome} with its restart impact, and notes on what could not be verified. */
    Outcome annotate(Outcome outcome, LiveReader.Live read, String namespace, Injection wanted, boolean force) {
        if (read == null || read.failure() != null || read.namespace(namespace) == null) {
            return outcome;
        }
        Outcome annotated = outcome;
        if (!force && InjectorPresence.needsInjector(wanted) && read.webhooks() == null) {
            annotated = annotated.withNote("injector not verified: " + read.webhooksUnknown());
        }
        List<Pod> pods = read.podsOf(namespace);
        if (pods == null) {
            return annotated.withNote("restart impact unknown: pods could not be listed: " + read.podsUnknown());
        }
        return annotated.withRestart(impact(wanted, read, pods));
    }

    static RestartImpact impact(Injection wanted, LiveReader.Live read, List<Pod> pods) {
        Set<String> accepted = InjectorPresence.acceptedRevisions(wanted, read.webhooks() == null ? List.of() : read.webhooks());
        return RestartImpact.of(wanted, accepted, pods);
    }
}
