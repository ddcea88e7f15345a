package io.meshns.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.config.MeshConfig;
import io.meshns.kube.KubeErrors;

/** Ready when the control plane answers: without it no call can succeed. */
@Readiness
@ApplicationScoped
public class ControlPlaneReadiness implements HealthCheck {

    private final KubernetesClient client;
    private final String stateNamespace;

    public ControlPlaneReadiness(KubernetesClient client, MeshConfig config) {
        this.client = client;
        this.stateNamespace = config.stateNamespace();
    }

    @Override
    public HealthCheckResponse call() {
        try {
            // A GET meshns' own service account may always do; the namespace need not exist yet.
            client.namespaces().withName(stateNamespace).get();
            return HealthCheckResponse.named("control-plane").up().withData("server", client.getMasterUrl().toString()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("control-plane").down().withData("reason", KubeErrors.describe(e)).build();
        }
    }
}
