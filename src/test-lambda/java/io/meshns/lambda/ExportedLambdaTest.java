package io.meshns.lambda;

import java.util.Map;

import jakarta.inject.Inject;

import io.meshns.cluster.ClusterRegistry;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;

/**
 * What the Lambda tests share: a Lambda deployment serves one function, chosen with
 * QUARKUS_FUNQY_EXPORT, so each test class exports its own ({@link Export}) and is invoked through
 * the extension's mock event server; clusters are registered through the registry itself.
 */
abstract class ExportedLambdaTest {

    /** The mock event server on its own port: the HTTP server (health, metrics) has the test port. */
    static final int EVENT_SERVER_PORT = 8083;

    /** The profile that exports one function; a subclass per function, since Quarkus tells profiles apart by class. */
    abstract static class Export implements QuarkusTestProfile {
        private final String function;

        Export(String function) {
            this.function = function;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", function,
                    "quarkus.lambda.mock-event-server.test-port", String.valueOf(EVENT_SERVER_PORT));
        }
    }

    @KubernetesTestServer
    KubernetesServer controlPlane;

    @Inject
    ClusterRegistry registry;
}
