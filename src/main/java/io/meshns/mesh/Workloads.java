package io.meshns.mesh;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What to restart for a pod (kubectl rollout restart KIND/NAME): its controller, with a
 * ReplicaSet's pod resolved to the Deployment that made the ReplicaSet. Pure: from the pod alone,
 * with no GET of its owners.
 */
public final class Workloads {

    static final String TEMPLATE_HASH = "pod-template-hash";

    private Workloads() {
    }

    /** "Deployment/web", "StatefulSet/db", "DaemonSet/agent", "Job/migrate", or "Pod/debug" for a bare pod. */
    public static String of(Pod pod) {
        OwnerReference owner = controller(pod.getMetadata().getOwnerReferences());
        if (owner == null) {
            return "Pod/" + pod.getMetadata().getName();
        }
        if ("ReplicaSet".equals(owner.getKind())) {
            // A Deployment names its ReplicaSets <deployment>-<pod-template-hash> and labels their pods with the hash.
            Map<String, String> labels = pod.getMetadata().getLabels();
            String hash = labels == null ? null : labels.get(TEMPLATE_HASH);
            String suffix = "-" + hash;
            if (hash != null && !hash.isEmpty() && owner.getName().endsWith(suffix)) {
                return "Deployment/" + owner.getName().substring(0, owner.getName().length() - suffix.length());
            }
        }
        return owner.getKind() + "/" + owner.getName();
    }

    /** The owner marked controller, else the only owner; null for a bare pod. */
    private static OwnerReference controller(List<OwnerReference> owners) {
        if (owners == null || owners.isEmpty()) {
            return null;
        }
        return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
                .orElse(owners.size() == 1 ? owners.get(0) : null);
    }
}
