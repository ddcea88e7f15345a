package io.meshns.api.events;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.meshns.mock.MockApiServer;
import io.meshns.state.EventLedger;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * A first delivery that did its work but whose answer never reached the ledger (the control plane
 * refused to record it) looks, to a redelivery, like a handler that went silent: after a whole call
 * the redelivery takes the event over and runs it again. The work is already done then, and the
 * redelivery must answer as the first delivery did, never 409 or 404. Calls are short here (11 s)
 * so that the takeover comes soon.
 */
@QuarkusTest
@TestProfile(RedeliveryTakeOverTest.ShortCalls.class)
@WithKubernetesTestServer(crud = true)
class RedeliveryTakeOverTest {

    public static class ShortCalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("meshns.fanout-timeout", "500ms", "meshns.call-timeout", "11s");
        }
    }

    private static final Duration CALL = Duration.ofSeconds(11);
    private static final String FORBIDDEN = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"configmaps is forbidden\"}";

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private record Event(String id, String function, String data) {
    }

    @Test
    void eachWriteRedoneByATakeOverAnswersAsItsFirstDeliveryDid() throws Exception {
        try (MockApiServer west = MockApiServer.start()) {
            Mesh.createNamespace(controlPlane.getClient(), "to-delete", Map.of());
            Mesh.register("to-deregister", west.url());
            List<Event> events = List.of(
                    new Event("t-create", "createNamespace", "{\"name\": \"to-create\"}"),
                    new Event("t-delete", "deleteNamespace", "{\"name\": \"to-delete\"}"),
                    new Event("t-register", "registerCluster", "{\"name\": \"to-register\", \"server\": \"" + west.url()
                            + "\", \"token\": \"test-token\"}"),
                    new Event("t-deregister", "deregisterCluster", "{\"name\": \"to-deregister\"}"));
            List<String> firstAnswers = new ArrayList<>();
            for (Event event : events) {
                controlPlane.expect().put()
                        .withPath("/api/v1/namespaces/meshns-system/configmaps/" + EventLedger.entryName("/broker", event.id())
                                + "?fieldManager=meshns")
                        .andReturn(403, FORBIDDEN).once();
                Response first = deliver(event);
                assertEquals(200, first.statusCode(), event + ": " + first.asString());
                firstAnswers.add(first.asString());
            }

            List<Response> redone = new ArrayList<>();
            ExecutorService brokers = Executors.newFixedThreadPool(events.size());
            try {
                List<CompletableFuture<Response>> redeliveries = events.stream()
                        .map(event -> CompletableFuture.supplyAsync(() -> redeliverUntilAnswered(event), brokers)).toList();
                redeliveries.forEach(redelivery -> redone.add(redelivery.join()));
            } finally {
                brokers.shutdownNow();
            }
            Map<String, String> statuses = new TreeMap<>();
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < events.size(); i++) {
                statuses.put(events.get(i).function(), redone.get(i).statusCode() + " " + redone.get(i).asString());
                expected.put(events.get(i).function(), "200 " + redone.get(i).asString());
            }
            assertEquals(expected, statuses);
            for (int i = 0; i < events.size(); i++) {
                JsonPath first = JsonPath.from(firstAnswers.get(i));
                JsonPath again = redone.get(i).jsonPath();
                if (events.get(i).function().equals("registerCluster")) {
                    assertEquals(first.getString("name"), again.getString("name"));
                    assertEquals(first.getString("server"), again.getString("server"));
                    assertEquals(first.getString("registered"), again.getString("registered"));
                } else {
                    assertEquals(first.getMap("$"), again.getMap("$"), events.get(i).toString());
                }
            }
            assertTrue(controlPlane.getClient().namespaces().withName("to-create").get() != null);
            assertNull(controlPlane.getClient().namespaces().withName("to-delete").get());
        } finally {
            Mesh.deregisterAll();
        }
    }

    private static Response deliver(Event event) {
        return given().contentType("application/json").header("ce-specversion", "1.0")
                .header("ce-type", "meshns." + event.function()).header("ce-source", "/broker").header("ce-id", event.id())
                .body(event.data()).when().post("/");
    }

    /** As a broker does: delivers again while the answer is 503 event-in-progress, for at most three calls' time. */
    private static Response redeliverUntilAnswered(Event event) {
        long giveUp = System.nanoTime() + CALL.multipliedBy(3).toNanos();
        while (true) {
            Response answer = deliver(event);
            if (answer.statusCode() != 503 || System.nanoTime() > giveUp) {
                return answer;
            }
        }
    }
}
