package io.meshns.kube;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The one client of the control plane: Quarkus' own (its configuration, its serialization), with
 * meshns named as the field manager of every write it sends ({@link FieldManager}).
 */
public class ControlPlaneClient {

    @Produces
    @Singleton
    KubernetesClient controlPlane(KubernetesSerialization serialization, Config config) {
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(config)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(FieldManager.INTERCEPTOR, new FieldManager()))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
