package io.meshns.api.namespaces;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The namespace functions over HTTP against a CRUD API server, checked on the server's objects. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class NamespaceFunctionsTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private KubernetesClient kube() {
        return controlPlane.getClient();
    }

    @Test
    void createNamespaceMakesARealNamespaceAndKeepsOnlyItsHistoryUntilInjectionIsSet() {
        call("createNamespace", "{\"name\": \"shop\", \"labels\": {\"team\": \"storefront\"}}")
                .statusCode(200)
                .body("name", equalTo("shop"))
                .body("labels.team", equalTo("storefront"))
                .body("injection", equalTo("unset"))
                .body("revision", nullValue())
                .body("clusters.size()", equalTo(0));

        var namespace = kube().namespaces().withName("shop").get();
        assertNotNull(namespace);
        assertEquals("storefront", namespace.getMetadata().getLabels().get("team"));
        // Like a namespace made with kubectl, it is not managed (reconcile leaves it alone) until injection
        // is set: its state holds its history and nothing else.
        var state = kube().configMaps().inNamespace("meshns-system").withLabel("meshns.io/namespace", "shop").list().getItems();
        assertEquals(1, state.size());
        assertEquals(java.util.Set.of("history"), state.get(0).getData().keySet());
    }

    @Test
    void createWithInjectionLabelReportsIt() {
        call("createNamespace", "{\"name\": \"born-injected\", \"labels\": {\"istio.io/rev\": \"canary\"}}")
                .statusCode(200)
                .body("injection", equalTo("enabled"))
                .body("revision", equalTo("canary"));
    }

    @Test
    void getAndListShowNamespacesMadeWithKubectlToo() {
        kube().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("by-kubectl")
                .addToLabels("istio-injection", "enabled").endMetadata().build()).create();

        call("getNamespace", "{\"name\": \"by-kubectl\"}")
                .statusCode(200)
                .body("name", equalTo("by-kubectl"))
                .body("injection", equalTo("enabled"))
                .body("labels.istio-injection", equalTo("enabled"));
        call("listNamespaces", "{}")
                .statusCode(200)
                .body("items.name", hasItem("by-kubectl"));
    }

    @Test
    void listFiltersByLabelSelector() {
        call("createNamespace", "{\"name\": \"sel-a\", \"labels\": {\"tier\": \"gold\"}}").statusCode(200);
        call("createNamespace", "{\"name\": \"sel-b\", \"labels\": {\"tier\": \"silver\"}}").statusCode(200);

        call("listNamespaces", "{\"labelSelector\": \"tier=gold\"}")
                .statusCode(200)
                .body("items.name", hasItem("sel-a"))
                .body("items.name", not(hasItem("sel-b")));
    }

    @Test
    void deleteNamespaceRemovesItAndItsState() {
        call("createNamespace", "{\"name\": \"doomed\"}").statusCode(200);

        call("deleteNamespace", "{\"name\": \"doomed\"}")
                .statusCode(200)
                .body("name", equalTo("doomed"))
                .body("deleted", equalTo(true));

        assertNull(kube().namespaces().withName("doomed").get());
        assertEquals(0, kube().configMaps().inNamespace("meshns-system").withLabel("meshns.io/namespace", "doomed")
                .list().getItems().size());
        fails("getNamespace", "{\"name\": \"doomed\"}", 404, "namespace-not-found");
    }

    @Test
    void aNamespaceMadeWithKubectlCanBeDeleted() {
        kube().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kubectl-doomed").endMetadata()
                .build()).create();
        call("deleteNamespace", "{\"name\": \"kubectl-doomed\"}").statusCode(200);
        assertNull(kube().namespaces().withName("kubectl-doomed").get());
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
            "createNamespace|{|400|invalid-json",
            "createNamespace|[\"shop\"]|400|invalid-body",
            "createNamespace|\"shop\"|400|invalid-body",
            "createNamespace|{}|400|missing-field",
            "createNamespace|{\"name\": true}|400|wrong-type",
            "createNamespace|{\"name\": 42}|400|wrong-type",
            "createNamespace|{\"name\": null}|400|missing-field",
            "createNamespace|{\"name\": \"Upper\"}|400|invalid-name",
            "createNamespace|{\"name\": \"\"}|400|invalid-name",
            "createNamespace|{\"name\": \"under_score\"}|400|invalid-name",
            "createNamespace|{\"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}|400|invalid-name",
            "createNamespace|{\"name\": \"ok\", \"labels\": {\"bad key\": \"v\"}}|400|invalid-label",
            "createNamespace|{\"name\": \"ok\", \"labels\": {\"k\": \"bad value\"}}|400|invalid-label",
            "createNamespace|{\"name\": \"ok\", \"labels\": {\"k\": 1}}|400|wrong-type",
            "createNamespace|{\"name\": \"ok\", \"labels\": [\"k\"]}|400|wrong-type",
            "createNamespace|{\"name\": \"ok\", \"lables\": {}}|400|unknown-field",
            "createNamespace|{\"name\": \"kube-system\"}|403|protected-namespace",
            "createNamespace|{\"name\": \"istio-system\"}|403|protected-namespace",
            "createNamespace|{\"name\": \"meshns-system\"}|403|protected-namespace",
            "createNamespace|{\"name\": \"kube-public\"}|403|protected-namespace",
            "createNamespace|{\"name\": \"kube-node-lease\"}|403|protected-namespace",
            "deleteNamespace|{\"name\": \"kube-system\"}|403|protected-namespace",
            "deleteNamespace|{\"name\": \"no-such-ns\"}|404|namespace-not-found",
            "deleteNamespace|{\"name\": 1}|400|wrong-type",
            "getNamespace|{\"name\": \"no-such-ns\"}|404|namespace-not-found",
            "getNamespace|{}|400|missing-field",
            "listNamespaces|{\"labelSelector\": 5}|400|wrong-type",
            "listNamespaces|{\"labelSelector\": \"team in (a\"}|400|invalid-label-selector",
            "noSuchFunction|{}|404|unknown-function" })
    void callerMistakesGetA4xxWithAJsonBodyAndChangeNothing(String function, String body, int status, String error) {
        Snapshot before = Snapshot.of(kube());
        fails(function, body, status, error);
        assertEquals(before, Snapshot.of(kube()));
    }

    @Test
    void anEmptyBodyIsA400() {
        Snapshot before = Snapshot.of(kube());
        fails("createNamespace", "", 400, "empty-body");
        assertEquals(before, Snapshot.of(kube()));
    }

    /** Every way HTTP/1.x can frame an empty body, sent byte for byte as a raw client would. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Content-Length 0|POST /createNamespace HTTP/1.1\\r\\nContent-Length: 0\\r\\n|",
            "no length, no chunks|POST /createNamespace HTTP/1.1\\r\\n|",
            "chunked, no chunk|POST /createNamespace HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n|0",
            "HTTP/1.0, no length|POST /createNamespace HTTP/1.0\\r\\n|",
            "binary CloudEvent, chunked|POST / HTTP/1.1\\r\\nce-specversion: 1.0\\r\\nce-type: meshns.createNamespace\\r\\n"
                    + "ce-source: /t\\r\\nce-id: e1\\r\\nTransfer-Encoding: chunked\\r\\n|0" })
    void anEmptyBodyIsA400HoweverItIsFramed(String framing, String head, String chunks) throws Exception {
        Snapshot before = Snapshot.of(kube());
        String request = head.replace("\\r\\n", "\r\n") + "Host: localhost\r\nContent-Type: application/json\r\n"
                + "Connection: close\r\n\r\n" + (chunks == null ? "" : chunks + "\r\n\r\n");
        String answer = io.meshns.testing.RawHttp.send(io.restassured.RestAssured.port, request);
        org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.startsWith("HTTP/1."));
        org.hamcrest.MatcherAssert.assertThat(framing, answer, containsString(" 400 "));
        org.hamcrest.MatcherAssert.assertThat(framing, answer, containsString("\"error\":\"empty-body\""));
        assertEquals(before, Snapshot.of(kube()));
    }

    @Test
    void aDuplicateIsA409AndTheFirstIsKept() {
        call("createNamespace", "{\"name\": \"twice\", \"labels\": {\"v\": \"1\"}}").statusCode(200);
        Snapshot before = Snapshot.of(kube());
        fails("createNamespace", "{\"name\": \"twice\", \"labels\": {\"v\": \"2\"}}", 409, "namespace-exists")
                .body("message", containsString("twice"));
        assertEquals(before, Snapshot.of(kube()));
        assertEquals(Map.of("v", "1"), kube().namespaces().withName("twice").get().getMetadata().getLabels());
    }

    @Test
    void readyWhenTheControlPlaneAnswers() {
        io.restassured.RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'control-plane' }.status", equalTo("UP"));
        io.restassured.RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aGetRequestIsRefusedNotServed() {
        io.restassured.RestAssured.given().queryParam("name", "x").when().get("/deleteNamespace").then()
                .statusCode(405).body("error", equalTo("method-not-allowed"));
    }

    @Test
    void aNonJsonContentTypeIs415() {
        io.restassured.RestAssured.given().contentType("text/plain").body("{\"name\": \"x\"}").when()
                .post("/createNamespace").then().statusCode(415).body("error", equalTo("unsupported-media-type"));
        assertNull(kube().namespaces().withName("x").get());
    }
}
