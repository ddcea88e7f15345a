package io.meshns.mesh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What moving a namespace from one Istio revision to the next changes, decided from its rollout
 * alone. Pure: the reads, the lock and the patches are the caller's.
 * <p>
 * Mesh-wide ({@code selected} null): where the mesh-wide wanted state is {@code from}, it becomes
 * {@code to}, and so does every cluster without a setting of its own; settings equal to
 * {@code from} become {@code to}; other settings are kept. In selected clusters only: each of them
 * whose wanted state is {@code from} gets the setting {@code to}; the mesh-wide state and the other
 * clusters are left as they are.
 */
public final class RevisionMigration {

    private RevisionMigration() {
    }

    /**
     * One namespace's move.
     *
     * @param before   its rollout now
     * @param after    its rollout once moved
     * @param clusters the registered clusters whose wanted state changes, in the order given
     */
    public record Step(Rollout before, Rollout after, List<String> clusters) {

        /** True when the mesh-wide state (the control plane's labels) moves. */
        public boolean meshWideMoves() {
            return !before.meshWide().equals(after.meshWide());
        }

        /** True when nothing changes: the namespace does not take part. */
        public boolean isEmpty() {
            return before.equals(after);
        }
    }

    /** The wanted state a revision name stands for: "default" is istio-injection=enabled, any other name istio.io/rev. */
    public static Injection wanted(String revision) {
        return "default".equals(revision) ? Injection.ENABLED : Injection.revision(revision);
    }

    /**
     * @param rollout    the namespace's rollout
     * @param selected   the clusters to move it in; null: mesh-wide
     * @param registered every registered cluster, in order
     */
    public static Step step(Rollout rollout, Injection from, Injection to, Set<String> selected, Collection<String> registered) {
        Map<String, Injection> settings = new HashMap<>(rollout.clusters());
        Injection meshWide = rollout.meshWide();
        if (selected == null) {
            if (meshWide.equals(from)) {
                meshWide = to;
            }
            settings.replaceAll((cluster, setting) -> setting.equals(from) ? to : setting);
        } else {
            for (String cluster : selected) {
                if (rollout.in(cluster).equals(from)) {
                    settings.put(cluster, to);
                }
            }
        }
        Rollout after = new Rollout(meshWide, settings);
        List<String> moving = new ArrayList<>();
        for (String cluster : registered) {
            if (!rollout.in(cluster).equals(after.in(cluster))) {
                moving.add(cluster);
            }
        }
        return new Step(rollout, after, List.copyOf(moving));
    }
}
