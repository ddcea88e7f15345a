package io.meshns.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A registered data-plane cluster ready to be called: its name and reusable client, or, when no
 * client could be built from its Secret, why not.
 */
public record DataPlane(String name, KubernetesClient client, String problem) {

    public static DataPlane ready(String name, KubernetesClient client) {
        return new DataPlane(name, client, null);
    }

    public static DataPlane broken(String name, String problem) {
        return new DataPlane(name, null, problem);
    }
}
