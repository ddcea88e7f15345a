package io.meshns.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.utils.ImpersonatorInterceptor;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshns.config.MeshConfig;
import io.meshns.kube.ClusterRequests;
import io.meshns.kube.Deadline;
import io.meshns.kube.RequestDeadlines;
import io.meshns.mock.MockApiServer;

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

    /**
     * A token's client goes without fabric8's header and impersonation interceptors (each would
     * rebuild every request), and its requests still carry the token and fabric8's User-Agent.
     */
    @Test
    void aTokensClientRunsOnlyTheInterceptorsItNeedsAndItsRequestsCarryTokenAndUserAgent() throws Exception {
        try (MockApiServer cluster = MockApiServer.start()) {
            KubernetesClient client = clients.clientFor("east", cluster.url(), secret("1", "east-token"));
            assertFalse(interceptors(client).contains(ImpersonatorInterceptor.NAME), interceptors(client).toString());
            assertFalse(interceptors(client).contains(DataPlaneClients.HEADER_INTERCEPTOR), interceptors(client).toString());
            assertTrue(interceptors(client).contains(RequestDeadlines.NAME), interceptors(client).toString());

            requestSentWith(cluster, client, "east-token");
        }
    }

    /** A kubeconfig's client, without fabric8's header interceptor too, still sends the kubeconfig's token. */
    @Test
    void aKubeconfigsClientSendsItsToken() throws Exception {
        try (MockApiServer cluster = MockApiServer.start()) {
            String kubeconfig = String.join("\n", "apiVersion: v1", "kind: Config", "current-context: east",
                    "clusters: [{name: east, cluster: {server: '" + cluster.url() + "'}}]",
                    "users: [{name: meshns, user: {token: kubeconfig-token}}]",
                    "contexts: [{name: east, context: {cluster: east, user: meshns}}]");
            KubernetesClient client = clients.clientFor("east", cluster.url(), new SecretBuilder().withNewMetadata()
                    .withName("cluster-east").withResourceVersion("1").endMetadata()
                    .withData(new Credentials(null, null, kubeconfig).toSecretData()).build());
            assertFalse(interceptors(client).contains(DataPlaneClients.HEADER_INTERCEPTOR), interceptors(client).toString());

            requestSentWith(cluster, client, "kubeconfig-token");
        }
    }

    /** Credentials that impersonate or add headers keep fabric8's interceptors for them, and their requests say so. */
    @Test
    void impersonationAndCustomHeadersKeepTheirInterceptors() throws Exception {
        try (MockApiServer cluster = MockApiServer.start()) {
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.url()).withOauthToken("east-token")
                    .withImpersonateUsername("auditor").withCustomHeaders(java.util.Map.of("X-Mesh", "east")).build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientBuilderConsumer(http -> DataPlaneClients.interceptors(http, config, Duration.ofSeconds(5)))
                    .build()) {
                assertTrue(interceptors(client).containsAll(List.of(ImpersonatorInterceptor.NAME,
                        DataPlaneClients.HEADER_INTERCEPTOR, RequestDeadlines.NAME)), interceptors(client).toString());

                RecordedRequest sent = requestSentWith(cluster, client, "east-token");
                assertEquals("auditor", sent.getHeader("Impersonate-User"));
                assertEquals("east", sent.getHeader("X-Mesh"));
            }
        }
    }

    /** The names of the interceptors the client's HTTP client runs, in order. */
    private static Set<String> interceptors(KubernetesClient client) {
        return ((StandardHttpClientBuilder<?, ?, ?>) client.getHttpClient().newBuilder()).getInterceptors().keySet();
    }

    /**
     * Reads a namespace through {@link ClusterRequests}, as meshns does, and returns the request the
     * cluster got, having checked that it carries {@code token} and fabric8's User-Agent.
     */
    private static RecordedRequest requestSentWith(MockApiServer cluster, KubernetesClient client, String token)
            throws Exception {
        int before = cluster.requestCount();
        ClusterRequests.namespace(client, "shop", Deadline.in(Duration.ofSeconds(10))).get(10, TimeUnit.SECONDS);
        assertEquals(before + 1, cluster.requestCount());
        RecordedRequest request;
        RecordedRequest last = null;
        while ((request = cluster.mock().takeRequest(1, TimeUnit.SECONDS)) != null) {
            last = request;
        }
        assertEquals("Bearer " + token, last.getHeader("Authorization"));
        assertTrue(last.getHeader("User-Agent").startsWith("fabric8-kubernetes-client/"), last.getHeader("User-Agent"));
        return last;
    }

    private static Secret secret(String version, String token) {
        return new SecretBuilder().withNewMetadata().withName("cluster-east").withResourceVersion(version).endMetadata()
                .withData(new Credentials(token, null, null).toSecretData()).build();
    }

    private static MeshConfig config() {
        return io.meshns.testing.TestConfig.withFanoutTimeout(Duration.ofSeconds(1));
    }
}
