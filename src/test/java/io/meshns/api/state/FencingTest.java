package io.meshns.api.state;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.labels;
import io.meshns.testing.Outcomes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshns.testing.GatedProxy.Step;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * A change that lost its namespace's lock, or whose namespace went away, writes nothing over what
 * came after it. The interleavings are forced with a proxy that delays and holds requests.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FencingTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private static int counter;
    private ClusterBehindProxy slow;
    private String ns;

    @BeforeEach
    void oneSlowCluster() throws Exception {
        ns = "fenced-" + counter++;
        slow = ClusterBehindProxy.register("slow", controlPlane.getClient(), ns, Map.of("istio-injection", "disabled"));
    }

    @AfterEach
    void stop() throws Exception {
        if (slow != null) {
            slow.close();
        }
    }

    /**
     * A's PATCH leaves late in A's deadline and is held on the way; A reports "timed out" and hands
     * the lock over; B (disable) finds the cluster disabled already. When the network finally lets
     * A's PATCH through, it must not land: A's client gave up on it at A's deadline.
     */
    @Test
    void aPatchReportedAsTimedOutCannotLandAfterTheLockIsHandedOver() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger patches = new AtomicInteger();
        String path = "/api/v1/namespaces/" + ns;
        slow.proxy.rule((method, p) -> {
            if (p.equals(path) && method.equals("GET") && gets.getAndIncrement() == 0) {
                return Step.delay(Duration.ofMillis(1500)); // of meshns.fanout-timeout's 2 s in tests
            }
            if (p.equals(path + "?fieldManager=meshns") && method.equals("PATCH") && patches.getAndIncrement() == 0) {
                return Step.hold(gate);
            }
            return Step.forward();
        });

        JsonPath a = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("failed", Outcomes.of(a).get("slow"), a.prettify());
        JsonPath b = call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("unchanged", Outcomes.of(b).get("slow"), b.prettify());

        gate.countDown();
        slow.proxy.awaitSettled(2);

        assertEquals("disabled", labels(controlPlane.getClient(), ns).get("istio-injection"));
        assertEquals(Map.of("istio-injection", "disabled"), labels(slow.cluster.client(), ns),
                "A's late PATCH landed after B's change");
        assertEquals(1, slow.proxy.heldThenDiscarded(), "A's PATCH was dropped because A had given up on it");
    }

    /** deleteNamespace while a change is in its fan-out: the change's release must not bring the state back. */
    @Test
    void aChangeRacingADeleteLeavesNoStateBehind() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger gets = new AtomicInteger();
        slow.proxy.rule((method, p) -> p.equals("/api/v1/namespaces/" + ns) && gets.getAndIncrement() == 0
                ? Step.hold(gate) : Step.forward());

        CompletableFuture<Integer> change = CompletableFuture.supplyAsync(
                () -> call("enableInjection", "{\"namespace\": \"" + ns + "\"}").extract().statusCode());
        slow.proxy.awaitHeld(1);
        call("deleteNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200);
        gate.countDown();
        change.join();

        assertNull(controlPlane.getClient().namespaces().withName(ns).get());
        assertNull(controlPlane.getClient().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get(),
                "the state of a deleted namespace came back");
    }
}
