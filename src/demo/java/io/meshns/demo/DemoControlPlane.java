package io.meshns.demo;

import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/**
 * Points meshns' control-plane client at the demo's control plane, on whichever port it got.
 * Not through quarkus.kubernetes-client.api-server-url: that is fixed when the jar is built, and
 * the port is known only when the demo starts.
 */
@Singleton
public class DemoControlPlane implements KubernetesConfigCustomizer {

    @Override
    public void customize(Config config) {
        config.setMasterUrl(DemoServers.get().controlPlane.url());
    }
}
