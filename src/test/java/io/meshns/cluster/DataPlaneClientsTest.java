package io.meshns.cluster;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.config.MeshConfig;

class DataPlaneClientsTest {

    private static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();
    private final DataPlaneClients clients = new DataPlaneClients(config(), VERTX,
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization());

    @org.junit.jupiter.api.AfterAll
    static void closeVertx() {
        VERTX.close();
    }

    @Test
    void aClientIsReusedWhileItsSecretIsUnchanged() {
        KubernetesClient first = clients.clientFor("east", "https://east.example", secret("1", "a"));
        assertSame(first, clients.clientFor("east", "https://east.example", secret("1", "a")));
    }

    @Test
    void aChangedSecretOrServerBuildsANewClient() {
        KubernetesClient first = clients.clientFor("east", "https://east.example", secret("1", "a"));
        KubernetesClient second = clients.clientFor("east", "https://east.example", secret("2", "b"));
        assertNotSame(first, second);
        assertNotSame(second, clients.clientFor("east", "https://east2.example", secret("2", "b")));
    }

    @Test
    void aForgottenClusterGetsAFreshClientNextTime() {
        KubernetesClient first = clients.clientFor("east", "https://east.example", secret("1", "a"));
        clients.forget("east");
        assertNotSame(first, clients.clientFor("east", "https://east.example", secret("1", "a")));
    }

    private static Secret secret(String version, String token) {
        return new SecretBuilder().withNewMetadata().withName("cluster-east").withResourceVersion(version).endMetadata()
                .withData(new Credentials(token, null, null).toSecretData()).build();
    }

    private static MeshConfig config() {
        return new MeshConfig() {
            public String stateNamespace() {
                return "meshns-system";
            }

            public Duration fanoutTimeout() {
                return Duration.ofSeconds(1);
            }

            public Duration callTimeout() {
                return Duration.ofSeconds(50);
            }

            public boolean allowPlaintextClusters() {
                return false;
            }

            public int listPageSize() {
                return 500;
            }

            public Optional<java.util.List<String>> protectedNamespaces() {
                return Optional.empty();
            }

            public Auth auth() {
                return null;
            }
        };
    }
}
