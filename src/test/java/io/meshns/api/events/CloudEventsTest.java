package io.meshns.api.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.meshns.mock.MockApiServer;
import io.meshns.state.EventLedger;
import io.meshns.testing.GatedProxy;
import io.meshns.testing.GatedProxy.Step;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;

/** Functions invoked by CloudEvents as a Knative broker delivers them: binary and structured, at least once. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CloudEventsTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private static ValidatableResponse binary(String type, String source, String id, String data) {
        return given().contentType("application/json")
                .header("ce-specversion", "1.0").header("ce-type", type).header("ce-source", source).header("ce-id", id)
                .body(data).when().post("/").then();
    }

    private static ValidatableResponse structured(String type, String source, String id, String data) {
        String event = "{\"specversion\": \"1.0\", \"type\": \"" + type + "\", \"source\": \"" + source + "\", \"id\": \"" + id
                + "\", \"datacontenttype\": \"application/json\", \"data\": " + data + "}";
        return given().contentType("application/cloudevents+json").body(event).when().post("/").then();
    }

    @Test
    void aBinaryEventInvokesItsFunctionAndAnswersWithAResultEvent() {
        binary("meshns.createNamespace", "/tests", "bin-1", "{\"name\": \"ce-binary\"}")
                .statusCode(200)
                .header("ce-type", "meshns.createNamespace.result")
                .header("ce-source", "meshns")
                .body("name", equalTo("ce-binary"));
        assertEquals("ce-binary", controlPlane.getClient().namespaces().withName("ce-binary").get().getMetadata().getName());
    }

    @Test
    void aStructuredEventInvokesItsFunction() {
        Mesh.createNamespace(controlPlane.getClient(), "ce-structured", Map.of());
        structured("meshns.enableInjection", "/tests", "str-1", "{\"namespace\": \"ce-structured\"}")
                .statusCode(200)
                .contentType("application/cloudevents+json")
                .body("type", equalTo("meshns.enableInjection.result"))
                .body("source", equalTo("meshns"))
                .body("data.injection", equalTo("enabled"));
    }

    /** Found by a hostile-input run: ce-* headers on a structured event's content type were a 500. */
    @Test
    void anEventInBothModesAtOnceIsA400ThatSaysSoAndChangesNothing() {
        Mesh.createNamespace(controlPlane.getClient(), "ce-both", Map.of());
        io.restassured.RestAssured.given().contentType("application/cloudevents+json")
                .header("ce-specversion", "1.0").header("ce-type", "meshns.enableInjection").header("ce-source", "/tests")
                .header("ce-id", "both-1")
                .body("{\"specversion\": \"1.0\", \"type\": \"meshns.enableInjection\", \"source\": \"/tests\", "
                        + "\"id\": \"both-1\", \"datacontenttype\": \"application/json\", \"data\": {\"namespace\": \"ce-both\"}}")
                .when().post("/").then().statusCode(400)
                .body("error", equalTo("invalid-cloudevent"))
                .body("message", org.hamcrest.Matchers.containsString("not both"));
        assertEquals(Map.of(), controlPlane.getClient().namespaces().withName("ce-both").get().getMetadata().getLabels());
    }

    @Test
    void anEnableAmbientEventMovesTheNamespaceToAmbientAndARedeliveryGetsTheSameAnswer() {
        Mesh.createNamespace(controlPlane.getClient(), "ce-ambient", Map.of("istio-injection", "enabled"));
        String first = binary("meshns.enableAmbient", "/tests", "amb-1", "{\"namespace\": \"ce-ambient\"}")
                .statusCode(200)
                .header("ce-type", "meshns.enableAmbient.result")
                .body("injection", equalTo("ambient"))
                .extract().asString();
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient"),
                controlPlane.getClient().namespaces().withName("ce-ambient").get().getMetadata().getLabels());

        String again = binary("meshns.enableAmbient", "/tests", "amb-1", "{\"namespace\": \"ce-ambient\"}")
                .statusCode(200).extract().asString();
        assertEquals(first, again);
    }

    @Test
    void aRedeliveredBinaryEventGetsTheFirstAnswerAndADifferentOneStillConflicts() {
        String first = binary("meshns.createNamespace", "/broker", "dup-1", "{\"name\": \"ce-dup\"}").statusCode(200)
                .extract().asString();
        String again = binary("meshns.createNamespace", "/broker", "dup-1", "{\"name\": \"ce-dup\"}").statusCode(200)
                .extract().asString();
        assertEquals(first, again);

        binary("meshns.createNamespace", "/broker", "dup-2", "{\"name\": \"ce-dup\"}").statusCode(409)
                .body("error", equalTo("namespace-exists"));
        // The same id from another source is another event.
        binary("meshns.createNamespace", "/other-source", "dup-1", "{\"name\": \"ce-dup\"}").statusCode(409);
    }

    @Test
    void aRedeliveredStructuredDeleteIsStillA200() {
        Mesh.createNamespace(controlPlane.getClient(), "ce-del", Map.of());
        structured("meshns.deleteNamespace", "/broker", "del-1", "{\"name\": \"ce-del\"}").statusCode(200)
                .body("data.deleted", equalTo(true));
        assertNull(controlPlane.getClient().namespaces().withName("ce-del").get());

        structured("meshns.deleteNamespace", "/broker", "del-1", "{\"name\": \"ce-del\"}").statusCode(200)
                .body("data.name", equalTo("ce-del")).body("data.deleted", equalTo(true));
        structured("meshns.deleteNamespace", "/broker", "del-2", "{\"name\": \"ce-del\"}").statusCode(404)
                .body("error", equalTo("namespace-not-found"));
    }

    /**
     * Knative gave up waiting and delivers again while the first delivery still runs (its fan-out
     * is held on the way to a slow cluster): the copy must wait for the first answer, not act again.
     */
    @Test
    void aCopyArrivingWhileTheFirstStillRunsGetsTheFirstAnswer() throws Exception {
        try (MockApiServer slow = MockApiServer.start().withInjectors("default"); GatedProxy proxy = new GatedProxy(slow.port())) {
            Mesh.createNamespace(controlPlane.getClient(), "ce-mid", Map.of());
            Mesh.createNamespace(slow.client(), "ce-mid", Map.of());
            Mesh.register("ce-slow", proxy.url());
            CountDownLatch gate = new CountDownLatch(1);
            AtomicInteger gets = new AtomicInteger();
            proxy.rule((method, path) -> path.equals("/api/v1/namespaces/ce-mid") && gets.getAndIncrement() == 0
                    ? Step.hold(gate) : Step.forward());
            try {
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> binary("meshns.enableInjection",
                        "/broker", "mid-1", "{\"namespace\": \"ce-mid\"}").statusCode(200).extract().asString());
                proxy.awaitHeld(1);
                CompletableFuture<String> copy = CompletableFuture.supplyAsync(() -> binary("meshns.enableInjection",
                        "/broker", "mid-1", "{\"namespace\": \"ce-mid\"}").statusCode(200).extract().asString());
                Thread.sleep(500); // lets the copy arrive while the first is held; it forces, it does not measure
                gate.countDown();

                assertEquals(first.join(), copy.join());
                assertTrue(first.join().contains("\"applied\""), first.join());
            } finally {
                Mesh.deregisterAll();
            }
        }
    }

    @Test
    void anEventIdReusedForAnotherInputOrFunctionIsA409() {
        binary("meshns.createNamespace", "/reuse", "r-1", "{\"name\": \"ce-reuse-a\"}").statusCode(200);

        binary("meshns.createNamespace", "/reuse", "r-1", "{\"name\": \"ce-reuse-b\"}").statusCode(409)
                .body("error", equalTo("event-id-reused"))
                .body("message", org.hamcrest.Matchers.containsString("r-1"));
        assertNull(controlPlane.getClient().namespaces().withName("ce-reuse-b").get());

        binary("meshns.deleteNamespace", "/reuse", "r-1", "{\"name\": \"ce-reuse-a\"}").statusCode(409)
                .body("error", equalTo("event-id-reused"));
        assertTrue(controlPlane.getClient().namespaces().withName("ce-reuse-a").get() != null);
    }

    @Test
    void theLedgerLivesInTheControlPlane() {
        binary("meshns.createNamespace", "/broker", "ledger-1", "{\"name\": \"ce-ledger\"}").statusCode(200);
        var entries = controlPlane.getClient().configMaps().inNamespace("meshns-system")
                .withLabel("meshns.io/ledger", "event").list().getItems();
        assertTrue(entries.stream().filter(cm -> "createNamespace".equals(cm.getData().get("function")))
                .filter(cm -> cm.getBinaryData() != null && cm.getBinaryData().containsKey("answer.gz"))
                .anyMatch(cm -> gunzip(cm.getBinaryData().get("answer.gz")).contains("ce-ledger")), entries.toString());
    }

    private static String gunzip(String base64) {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(base64)))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The work is done: a control plane that refuses to record its answer must not turn it into an error. */
    @Test
    void aCallThatSucceededIsAnsweredEvenWhenItsAnswerCannotBeRecorded() {
        String entry = EventLedger.entryName("/broker", "unrecorded-1");
        controlPlane.expect().put().withPath(STATE_CONFIG_MAPS + "/" + entry + "?fieldManager=meshns").andReturn(403, FORBIDDEN).once();

        binary("meshns.createNamespace", "/broker", "unrecorded-1", "{\"name\": \"ce-unrecorded\"}").statusCode(200)
                .body("name", equalTo("ce-unrecorded"));

        assertTrue(controlPlane.getClient().namespaces().withName("ce-unrecorded").get() != null);
        var claim = controlPlane.getClient().configMaps().inNamespace("meshns-system").withName(entry).get();
        assertTrue(claim != null && (claim.getBinaryData() == null || !claim.getBinaryData().containsKey("answer.gz")),
                "the answer was not recorded: " + claim);
    }

    @Test
    void anAnswerIsRecordedThroughPassingControlPlaneErrorsAndARedeliveryGetsIt() {
        String entry = EventLedger.entryName("/broker", "flaky-1");
        // More failures in a row than fabric8 itself retries one request.
        controlPlane.expect().put().withPath(STATE_CONFIG_MAPS + "/" + entry + "?fieldManager=meshns").andReturn(503, UNAVAILABLE).times(5);

        String first = binary("meshns.createNamespace", "/broker", "flaky-1", "{\"name\": \"ce-flaky\"}").statusCode(200)
                .extract().asString();
        String again = binary("meshns.createNamespace", "/broker", "flaky-1", "{\"name\": \"ce-flaky\"}").statusCode(200)
                .extract().asString();
        assertEquals(first, again);
    }

    /**
     * The namespace was deleted, then its state could not be (the API server refused): the caller got
     * a 5xx and its broker delivers the event again. The copy finds the namespace gone: that is the
     * delete done by the first delivery, answered as such, not a 404.
     */
    @Test
    void aCopyOfADeleteThatFailedHalfwayAnswersItDoneNotA404() {
        io.meshns.testing.Api.call("createNamespace", "{\"name\": \"ce-halfway\"}").statusCode(200);
        controlPlane.expect().delete().withPath(STATE_CONFIG_MAPS + "/namespace-ce-halfway").andReturn(403, FORBIDDEN).once();

        binary("meshns.deleteNamespace", "/broker", "halfway-1", "{\"name\": \"ce-halfway\"}").statusCode(502);
        assertNull(controlPlane.getClient().namespaces().withName("ce-halfway").get());

        binary("meshns.deleteNamespace", "/broker", "halfway-1", "{\"name\": \"ce-halfway\"}").statusCode(200)
                .body("name", equalTo("ce-halfway")).body("deleted", equalTo(true));
    }

    private static final String STATE_CONFIG_MAPS = "/api/v1/namespaces/meshns-system/configmaps";
    private static final String FORBIDDEN = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"configmaps is forbidden\"}";
    private static final String UNAVAILABLE = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"ServiceUnavailable\",\"code\":503,\"message\":\"etcd is busy\"}";

    @Test
    void aPlainHttpRepeatIsNotARedelivery() {
        io.meshns.testing.Api.call("createNamespace", "{\"name\": \"http-twice\"}").statusCode(200);
        io.meshns.testing.Api.fails("createNamespace", "{\"name\": \"http-twice\"}", 409, "namespace-exists");
    }

    @Test
    void aPingSourceEventRunsAReconcile() {
        Mesh.createNamespace(controlPlane.getClient(), "ce-pinged", Map.of("istio-injection", "enabled"));
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-type", "dev.knative.sources.ping")
                .header("ce-source", "/apis/v1/namespaces/meshns-system/pingsources/meshns-reconcile").header("ce-id", "p-1")
                .body("{}").when().post("/").then()
                .statusCode(200)
                .header("ce-type", "meshns.reconcile.result")
                .body("namespaces", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("results.namespace", org.hamcrest.Matchers.hasItem("ce-pinged"));
    }

    @Test
    void anUnknownTypeIsAClear400() {
        binary("meshns.noSuchFunction", "/tests", "u-1", "{}").statusCode(400)
                .body("error", equalTo("unknown-event-type"))
                .body("message", org.hamcrest.Matchers.containsString("meshns.noSuchFunction"));
        structured("com.example.other", "/tests", "u-2", "{}").statusCode(400).body("error", equalTo("unknown-event-type"));
    }

    @Test
    void aStructuredEventWithoutItsAttributesIsA400() {
        given().contentType("application/cloudevents+json")
                .body("{\"specversion\": \"1.0\", \"source\": \"/t\", \"id\": \"m-1\", \"data\": {}}")
                .when().post("/").then().statusCode(400)
                .body("error", equalTo("invalid-cloudevent")).body("message", org.hamcrest.Matchers.containsString("type"));
        given().contentType("application/cloudevents+json").body("[1]").when().post("/").then().statusCode(400)
                .body("error", equalTo("invalid-cloudevent"));
    }

    @Test
    void badEventDataIsA400() {
        binary("meshns.createNamespace", "/tests", "bad-1", "{\"name\": false}").statusCode(400)
                .body("error", equalTo("wrong-type"));
        structured("meshns.createNamespace", "/tests", "bad-2", "{\"name\": \"Not_Valid\"}").statusCode(400)
                .body("error", equalTo("invalid-name"));
    }
}
