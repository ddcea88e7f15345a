package io.meshns.mesh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a reconcile does, decided from the wanted state and one listing of each cluster alone: the
 * outcome of every cell that needs no write (failed, absent, unchanged), and the cells that drifted
 * and need a patch. Pure: the listings and the patches are the caller's.
 *
 * @param settled per namespace, per cluster: the outcome of a cell that needs no write
 * @param drifted per namespace: the clusters whose copy needs a patch
 */
public record ReconcilePlan(Map<String, Map<String, Outcome>> settled, Map<String, List<String>> drifted) {

    /** One cluster's listing: each namespace's labels, or why the cluster could not be listed. */
    public record Listing(Map<String, Map<String, String>> labels, String failure) {

        public static Listing of(Map<String, Map<String, String>> labels) {
            return new Listing(labels, null);
        }

        public static Listing failed(String why) {
            return new Listing(Map.of(), why);
        }
    }

    /**
     * @param wanted each managed namespace's rollout
     * @param listings each cluster's listing, in the clusters' order
     */
    public static ReconcilePlan of(Map<String, Rollout> wanted, Map<String, Listing> listings) {
        Map<String, Map<String, Outcome>> settled = new TreeMap<>();
        Map<String, List<String>> drifted = new TreeMap<>();
        wanted.keySet().forEach(ns -> settled.put(ns, new LinkedHashMap<>()));
        listings.forEach((cluster, listing) -> {
            if (listing.failure() != null) {
                wanted.keySet().forEach(ns -> settled.get(ns).put(cluster, Outcome.failed(cluster, listing.failure())));
                return;
            }
            Map<String, Injection> wantedHere = new TreeMap<>();
            wanted.forEach((ns, rollout) -> wantedHere.put(ns, rollout.in(cluster)));
            Drift.of(wantedHere, listing.labels()).forEach((ns, finding) -> {
                if (finding == Drift.Finding.DRIFTED) {
                    drifted.computeIfAbsent(ns, k -> new ArrayList<>()).add(cluster);
                } else {
                    settled.get(ns).put(cluster, Drift.outcomeWithoutWrite(cluster, finding));
                }
            });
        });
        return new ReconcilePlan(settled, drifted);
    }

    /** What a dry run answers: every cell, a drifted one as what a patch would do (applied). */
    public Map<String, Map<String, Outcome>> preview() {
        Map<String, Map<String, Outcome>> preview = new TreeMap<>();
        settled.forEach((ns, cells) -> preview.put(ns, new LinkedHashMap<>(cells)));
        drifted.forEach((ns, clusters) -> clusters.forEach(c -> preview.get(ns).put(c, Outcome.applied(c))));
        return preview;
    }
}
