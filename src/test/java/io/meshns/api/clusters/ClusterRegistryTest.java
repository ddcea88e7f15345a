package io.meshns.api.clusters;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Mesh;
import io.meshns.testing.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** registerCluster, deregisterCluster and listClusters, and that no credential ever leaks. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ClusterRegistryTest {

    private static final String TOKEN = "tok-Zm9vYmFyLXNlY3JldC12YWx1ZQ";
    private static final String KEY_DATA = "a2V5LWRhdGEtdGhhdC1tdXN0LW5vdC1sZWFr";

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private KubernetesClient kube() {
        return controlPlane.getClient();
    }

    @AfterEach
    void cleanUp() {
        Mesh.deregisterAll();
    }

    @Test
    void registerStoresMetadataInAConfigMapAndCredentialsInASecret() {
        call("registerCluster", "{\"name\": \"east\", \"server\": \"https://east.example:6443\", \"token\": \"" + TOKEN
                + "\", \"labels\": {\"region\": \"eu\"}}")
                .statusCode(200)
                .body("name", equalTo("east"))
                .body("server", equalTo("https://east.example:6443"))
                .body("labels.region", equalTo("eu"))
                .body("credentials", equalTo("token"));

        var configMaps = kube().configMaps().inNamespace("meshns-system").withLabel("meshns.io/cluster", "east").list().getItems();
        var secrets = kube().secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster", "east").list().getItems();
        assertEquals(1, configMaps.size());
        assertEquals(1, secrets.size());
        assertEquals("https://east.example:6443", configMaps.get(0).getData().get("server"));
        assertTrue(secrets.get(0).getData().containsKey("token"));

        call("listClusters", "{}").statusCode(200).body("items.name", hasItem("east"));
    }

    @Test
    void theDataPlaneClientPresentsTheRegisteredToken() throws Exception {
        try (MockApiServer dataPlane = MockApiServer.start().withInjectors("default", "1-24-0", "canary")) {
            Mesh.createNamespace(dataPlane.client(), "authcheck", java.util.Map.of());
            Mesh.createNamespace(kube(), "authcheck", java.util.Map.of());
            call("registerCluster", "{\"name\": \"authed\", \"server\": \"" + dataPlane.url() + "\", \"token\": \"" + TOKEN
                    + "\"}").statusCode(200);

            call("enableInjection", "{\"namespace\": \"authcheck\"}").statusCode(200);

            List<String> authorizations = new ArrayList<>();
            for (int i = 0; i < dataPlane.requestCount() + 1; i++) {
                var request = dataPlane.mock().takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
                if (request != null && request.getPath().contains("/namespaces/authcheck")) {
                    authorizations.add(request.getHeader("Authorization"));
                }
            }
            assertFalse(authorizations.isEmpty());
            for (String authorization : authorizations) {
                assertEquals("Bearer " + TOKEN, authorization);
            }
        }
    }

    @Test
    void deregisterRemovesBoth() {
        Mesh.register("gone", "http://127.0.0.1:1");
        call("deregisterCluster", "{\"name\": \"gone\"}").statusCode(200)
                .body("name", equalTo("gone")).body("deregistered", equalTo(true));
        assertEquals(0, kube().configMaps().inNamespace("meshns-system").withLabel("meshns.io/cluster", "gone").list()
                .getItems().size());
        assertEquals(0, kube().secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster", "gone").list()
                .getItems().size());
        call("listClusters", "{}").statusCode(200).body("items.name", not(hasItem("gone")));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"server\": \"https://x.example\"}|400|missing-field",
            "{\"name\": \"x\"}|400|missing-field",
            "{\"name\": \"X_1\", \"server\": \"https://x.example\"}|400|invalid-name",
            "{\"name\": \"x\", \"server\": \"not a url\"}|400|invalid-server",
            "{\"name\": \"x\", \"server\": \"ftp://x.example\"}|400|invalid-server",
            "{\"name\": \"x\", \"server\": \"https://\"}|400|invalid-server",
            "{\"name\": \"x\", \"server\": \"https://user:pw@x.example\"}|400|invalid-server",
            "{\"name\": \"x\", \"server\": \"https://x.example\", \"token\": 5}|400|wrong-type",
            "{\"name\": \"x\", \"server\": \"https://x.example\", \"labels\": {\"a b\": \"c\"}}|400|invalid-label",
            "{\"name\": \"x\", \"server\": \"https://x.example\", \"kubeconfig\": \"::: not yaml\"}|400|invalid-kubeconfig",
            "{\"name\": \"x\", \"server\": \"https://x.example\", \"password\": \"p\"}|400|unknown-field" })
    void badRegistrationsAreRefusedAndChangeNothing(String body, int status, String error) {
        Snapshot before = Snapshot.of(kube());
        fails("registerCluster", body, status, error);
        assertEquals(before, Snapshot.of(kube()));
    }

    @Test
    void aPasswordInTheServerUrlIsNotEchoed() {
        fails("registerCluster", "{\"name\": \"x\", \"server\": \"https://admin:hunter2@x.example\"}", 400, "invalid-server")
                .body("message", not(org.hamcrest.Matchers.containsString("hunter2")));
    }

    @Test
    void aKubeconfigThatRunsAProgramIsRefused() {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://x.example"}}]
                users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "id"]}}}]
                contexts: [{name: ctx, context: {cluster: c, user: u}}]
                current-context: ctx
                """;
        fails("registerCluster", "{\"name\": \"x\", \"server\": \"https://x.example\", \"kubeconfig\": "
                + io.vertx.core.json.Json.encode(kubeconfig) + "}", 400, "unsafe-kubeconfig");
    }

    @Test
    void aDeregistrationThatFailedHalfWayCanBeRetriedToTheEnd() {
        call("registerCluster", "{\"name\": \"half\", \"server\": \"https://half.example:6443\", \"token\": \"" + TOKEN
                + "\"}").statusCode(200);
        controlPlane.expect().delete().withPath("/api/v1/namespaces/meshns-system/secrets/cluster-half").andReturn(403,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"forbidden\",\"code\":403}")
                .once();

        call("deregisterCluster", "{\"name\": \"half\"}").statusCode(502);
        call("deregisterCluster", "{\"name\": \"half\"}").statusCode(200);

        assertEquals(List.of(), kube().secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster", "half").list()
                .getItems(), "the token stayed behind");
        assertEquals(List.of(), kube().configMaps().inNamespace("meshns-system").withLabel("meshns.io/cluster", "half")
                .list().getItems());
    }

    @Test
    void aDuplicateIs409AndAnUnknownDeregisterIs404() {
        Mesh.register("dup", "https://dup.example");
        Snapshot before = Snapshot.of(kube());
        fails("registerCluster", "{\"name\": \"dup\", \"server\": \"https://other.example\"}", 409, "cluster-exists");
        assertEquals(before, Snapshot.of(kube()));
        fails("deregisterCluster", "{\"name\": \"never-was\"}", 404, "cluster-not-found");
    }

    @Test
    void noCredentialIsReturnedLoggedOrWrittenToAConfigMap() throws Exception {
        List<String> logLines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logLines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + (record.getThrown() == null ? "" : record.getThrown().toString()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try (MockApiServer dataPlane = MockApiServer.start().withInjectors("default", "1-24-0", "canary")) {
            String kubeconfig = """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: c, cluster: {server: "%s"}}]
                    users: [{name: u, user: {token: "%s", client-key-data: "%s"}}]
                    contexts: [{name: ctx, context: {cluster: c, user: u}}]
                    current-context: ctx
                    """.formatted(dataPlane.url(), TOKEN, KEY_DATA);
            List<String> answers = new ArrayList<>();
            answers.add(call("registerCluster", "{\"name\": \"tok\", \"server\": \"" + dataPlane.url() + "\", \"token\": \""
                    + TOKEN + "\"}").statusCode(200).extract().asString());
            answers.add(call("registerCluster", "{\"name\": \"kc\", \"server\": \"" + dataPlane.url() + "\", \"kubeconfig\": "
                    + io.vertx.core.json.Json.encode(kubeconfig) + "}").statusCode(200).body("credentials", equalTo("kubeconfig"))
                    .extract().asString());
            answers.add(call("registerCluster", "{\"name\": \"tok\", \"server\": \"" + dataPlane.url() + "\", \"token\": \""
                    + TOKEN + "\"}").statusCode(409).extract().asString());
            answers.add(call("listClusters", "{}").statusCode(200).extract().asString());
            Mesh.createNamespace(kube(), "leakcheck", java.util.Map.of());
            answers.add(call("enableInjection", "{\"namespace\": \"leakcheck\"}").statusCode(200).extract().asString());
            answers.add(call("getNamespace", "{\"name\": \"leakcheck\"}").statusCode(200).extract().asString());

            for (String answer : answers) {
                assertFalse(answer.contains(TOKEN) || answer.contains(KEY_DATA), answer);
            }
            for (var cm : kube().configMaps().inAnyNamespace().list().getItems()) {
                String data = String.valueOf(cm.getData());
                assertFalse(data.contains(TOKEN) || data.contains(KEY_DATA), cm.getMetadata().getName());
            }
            assertFalse(logLines.isEmpty(), "the capture saw meshns' log");
            for (String line : logLines) {
                assertFalse(line.contains(TOKEN) || line.contains(KEY_DATA), line);
            }
        } finally {
            root.removeHandler(capture);
        }
    }
}
