package io.meshns.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Which Istio revisions a fleet has, and which of them anything still uses (istioctl's revision
 * list, across clusters): judged from each cluster's injector webhooks, the injection its namespaces'
 * labels ask for and the revisions of its pods' proxies. Pure: the reads are the caller's.
 */
public final class Revisions {

    /** A revision, tag or namespace name a cluster sends is cut to a label value's length. */
    private static final int NAME_BYTES = Names.MAX_LENGTH;

    private Revisions() {
    }

    /**
     * One cluster as read: its MutatingWebhookConfigurations, each namespace's sidecar injection
     * ({@link #sidecarOf}; namespaces asking for none may be left out), and how many pods run a
     * proxy of each revision ({@link #proxyRevision}).
     */
    public record ClusterRead(String cluster, List<InjectorPresence.Webhook> webhooks, Map<String, Injection> namespaces,
            Map<String, Integer> pods) {
    }

    /**
     * The sidecar injection a namespace's labels ask for, by Istio's precedence ({@link Injection#fromLabels}:
     * istio-injection wins over istio.io/rev, and any value of it but "enabled" injects nothing), or
     * null when they ask for none.
     */
    public static Injection sidecarOf(Map<String, String> labels) {
        Injection injection = Injection.fromLabels(labels);
        if (injection.mode() != Injection.Mode.ENABLED) {
            return null;
        }
        // An empty istio.io/rev matches no injector's namespace selector, the default one's included.
        return injection.revision() != null && injection.revision().isBlank() ? null : injection;
    }

    /**
     * The revision of the proxy a pod runs: its istio.io/rev label, else the revision in its injector's
     * status annotation, else "default"; null when it runs no proxy. The proxy itself decides, not
     * the label alone: istiod's own pods carry istio.io/rev and run none, and counting them would keep
     * every revision in use by its own control plane.
     */
    public static String proxyRevision(Pod pod) {
        if (!ProxyMismatch.hasProxy(pod) || ended(pod)) {
            return null;
        }
        String revision = ProxyMismatch.proxyRevision(pod);
        return revision == null || revision.isBlank() ? InjectorPresence.DEFAULT : revision;
    }

    /** A pod whose containers have all stopped for good runs nothing; one being deleted still runs until it is gone. */
    private static boolean ended(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /**
     * Every revision seen in {@code clusters} (installed, pointed at by a tag, selected by a namespace or
     * run by a pod), sorted by name, each with every cluster read, sorted by name; and the clusters
     * that could not be read, sorted likewise.
     */
    public static RevisionReport describe(List<ClusterRead> clusters, List<RevisionReport.Unreachable> unreachable) {
        Map<String, Map<String, Use>> byRevision = new TreeMap<>();
        List<String> names = clusters.stream().map(ClusterRead::cluster).sorted().toList();
        for (ClusterRead read : clusters) {
            inCluster(read).forEach((revision, use) -> byRevision.computeIfAbsent(revision, r -> new HashMap<>())
                    .put(read.cluster(), use));
        }
        List<RevisionReport.Revision> revisions = new ArrayList<>(byRevision.size());
        byRevision.forEach((revision, uses) -> {
            List<RevisionReport.ClusterUse> perCluster = new ArrayList<>(names.size());
            boolean inUse = false;
            for (String cluster : names) {
                Use use = uses.getOrDefault(cluster, new Use());
                inUse |= !use.namespaces.isEmpty() || use.pods > 0;
                perCluster.add(new RevisionReport.ClusterUse(cluster, use.installed, List.copyOf(use.tags),
                        List.copyOf(use.namespaces), use.pods));
            }
            revisions.add(new RevisionReport.Revision(revision, inUse, perCluster));
        });
        List<RevisionReport.Unreachable> failed = new ArrayList<>(unreachable);
        failed.sort(java.util.Comparator.comparing(RevisionReport.Unreachable::cluster));
        return new RevisionReport(revisions, failed);
    }

    /** What one cluster has of each revision, by revision. */
    private static final class Use {
        boolean installed;
        final TreeSet<String> tags = new TreeSet<>();
        final TreeSet<String> namespaces = new TreeSet<>();
        int pods;
    }

    private static Map<String, Use> inCluster(ClusterRead read) {
        Map<String, Use> uses = new HashMap<>();
        // A tag's webhook carries both labels: the tag, and the revision it points at.
        Map<String, String> tags = new HashMap<>();
        for (InjectorPresence.Webhook webhook : read.webhooks()) {
            String revision = name(webhook.labels().get(Injection.REVISION_LABEL));
            String tag = name(webhook.labels().get(InjectorPresence.TAG_LABEL));
            if (revision != null && tag != null) {
                tags.put(tag, revision);
                uses.computeIfAbsent(revision, r -> new Use()).tags.add(tag);
            }
        }
        for (String revision : InjectorPresence.revisions(read.webhooks())) {
            uses.computeIfAbsent(revision, r -> new Use()).installed = true;
        }
        // istio-injection=enabled is served by whatever the tag "default" points at, else by revision "default".
        String defaultRevision = tags.getOrDefault(InjectorPresence.DEFAULT, InjectorPresence.DEFAULT);
        read.namespaces().forEach((namespace, injection) -> {
            String asked = injection == null || injection.mode() != Injection.Mode.ENABLED ? null
                    : injection.revision() == null ? defaultRevision : name(injection.revision());
            if (asked != null) {
                uses.computeIfAbsent(tags.getOrDefault(asked, asked), r -> new Use()).namespaces.add(name(namespace));
            }
        });
        // A pod names the revision that injected it (its injector writes its own name there, never a tag's).
        read.pods().forEach((revision, count) -> {
            String name = name(revision);
            if (name != null) {
                uses.computeIfAbsent(name, r -> new Use()).pods += count;
            }
        });
        return uses;
    }

    /** A cluster's name for something, cleaned and cut; null when blank. */
    private static String name(String text) {
        return text == null || text.isBlank() ? null : UntrustedText.clean(text, NAME_BYTES);
    }
}
