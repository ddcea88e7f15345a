package io.meshns.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.DataPlane;
import io.meshns.cluster.LiveReader;
import io.meshns.kube.Deadline;
import io.meshns.mesh.Injection;

/**
 * The read of a mesh-wide change's clusters, made while its lock is being taken rather than after:
 * a remote control plane's round trips for the lock and the registry then cost no time of their own.
 * <p>
 * Why the holder of the lock may act on it: every change of a namespace writes its state ConfigMap
 * as it takes the lock and as it releases it. So when the lock is written over the very version of
 * the state this instance saw before the read began, and nobody held the lock at that version
 * ({@link NamespaceLock.Lease#takenOver}), no change ran between the read and the lock: what the
 * read found is what the clusters have. A lock taken over from a holder that went silent proves
 * nothing (it may have labelled clusters after the version was seen), and a cluster read with
 * another client than the one it is registered with now (registered since, new credentials) was
 * not read at all: those are read again under the lock.
 * <p>
 * A change the injector precheck may refuse is read before the lock, and refused before anything
 * is written, not even the lock: it is read first unless this instance has seen, in every cluster,
 * an injector for the wanted injection. Only a refusal it could not foresee (an injector removed
 * since it last looked, a cluster registered through another instance) is found under the lock.
 */
final class EarlyRead {

    private final SideBySide sideBySide;
    private final InjectionCheck check;
    private final String namespace;
    private final Injection wanted;
    /** The namespace's state version this instance saw before the read began; null: none. */
    private final String seenVersion;
    private final CompletableFuture<List<DataPlane>> registered;
    /** The clusters read: as registered, or as this instance last listed them. */
    private final List<DataPlane> read;
    private final CompletableFuture<Map<String, LiveReader.Live>> found;

    private EarlyRead(SideBySide sideBySide, InjectionCheck check, String namespace, Injection wanted,
            String seenVersion, CompletableFuture<List<DataPlane>> registered, List<DataPlane> read,
            CompletableFuture<Map<String, LiveReader.Live>> found) {
        this.sideBySide = sideBySide;
        this.check = check;
        this.namespace = namespace;
        this.wanted = wanted;
        this.seenVersion = seenVersion;
        this.registered = registered;
        this.read = read;
        this.found = found;
    }

    /**
     * Starts the read of every cluster for a change of {@code namespace} to {@code wanted}; 409
     * injector-missing, before anything is written, when a read made first refuses it.
     */
    static EarlyRead start(SideBySide sideBySide, InjectionCheck check, ClusterRegistry registry, String seenVersion,
            String namespace, Injection wanted, boolean force, Deadline readBy) {
        CompletableFuture<List<DataPlane>> registered = sideBySide.start(registry::dataPlanes);
        if (!force && check.mayRefuse(registry.lastListed(), wanted)) {
            List<DataPlane> clusters = sideBySide.join(registered);
            Look look = check.look(clusters, namespace, wanted, readBy);
            check.requireInjectors(namespace, wanted, look, false);
            return new EarlyRead(sideBySide, check, namespace, wanted, seenVersion, registered, clusters,
                    CompletableFuture.completedFuture(look.live()));
        }
        List<DataPlane> guessed = registry.lastListed();
        return new EarlyRead(sideBySide, check, namespace, wanted, seenVersion, registered, guessed,
                sideBySide.start(() -> check.look(guessed, namespace, wanted, readBy).live()));
    }

    /**
     * The clusters registered now, each as {@code lease}'s holder may act on it: from this read where
     * it still holds, read again by {@code deadline} where it does not.
     */
    Look underLock(NamespaceLock.Lease lease, Deadline deadline) {
        List<DataPlane> targets = sideBySide.join(registered);
        List<DataPlane> again = readAgain(seenVersion, lease, read, targets);
        Map<String, LiveReader.Live> early = again.size() == targets.size() ? Map.of() : sideBySide.join(found);
        Map<String, LiveReader.Live> fresh = again.isEmpty() ? Map.of() : check.look(again, namespace, wanted, deadline).live();
        Map<String, LiveReader.Live> live = new LinkedHashMap<>();
        targets.forEach(t -> live.put(t.name(), fresh.containsKey(t.name()) ? fresh.get(t.name()) : early.get(t.name())));
        return new Look(targets, live);
    }

    /**
     * The clusters of {@code targets} that must be read again under {@code lease}: all of them unless
     * the lock proves no change ran since {@code seenVersion}; else those {@code read} did not read
     * with the client they have now.
     */
    static List<DataPlane> readAgain(String seenVersion, NamespaceLock.Lease lease, List<DataPlane> read,
            List<DataPlane> targets) {
        boolean nothingSince = seenVersion != null && lease.takenOver(seenVersion);
        return ClusterRegistry.unconfirmed(nothingSince ? read : List.of(), targets);
    }
}
