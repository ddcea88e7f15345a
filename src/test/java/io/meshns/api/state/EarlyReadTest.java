package io.meshns.api.state;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.labels;
import io.meshns.testing.Outcomes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshns.testing.GatedProxy.Step;
import io.meshns.testing.Requests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * A mesh-wide change reads the data planes while it takes the namespace's lock, and acts on that
 * read only if no other change can have run in between; the control plane is still labelled only
 * after the read. The interleavings are forced with a proxy in front of the data plane.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class EarlyReadTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private static int counter;
    private ClusterBehindProxy east;
    private String ns;

    @BeforeEach
    void oneClusterBehindAProxy() throws Exception {
        ns = "early-" + counter++;
        east = ClusterBehindProxy.register("east", controlPlane.getClient(), ns, Map.of());
        // A warm instance: it has seen the namespace, its state and the clusters.
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
    }

    @AfterEach
    void stop() throws Exception {
        if (east != null) {
            east.close();
        }
    }

    private CompletableFuture<JsonPath> changeInTheBackground(String function) {
        return CompletableFuture.supplyAsync(
                () -> call(function, "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath());
    }

    @Test
    void theLockIsTakenWhileTheClustersAreReadAndTheControlPlaneLabelledOnlyAfter() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        east.proxy.rule((method, path) -> path.replaceFirst("\\?fieldManager=meshns$", "").equals("/api/v1/namespaces/" + ns)
                ? Step.hold(gate) : Step.forward());
        Requests.drain(controlPlane.getKubernetesMockServer());

        CompletableFuture<JsonPath> change = changeInTheBackground("disableInjection");
        east.proxy.awaitHeld(1);
        List<String> seen = new java.util.ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        String lock = "PUT /api/v1/namespaces/meshns-system/configmaps/namespace-" + ns;
        while (!seen.contains(lock) && System.nanoTime() < end) {
            seen.addAll(Requests.drain(controlPlane.getKubernetesMockServer()));
        }
        gate.countDown();

        assertTrue(seen.contains(lock), "the lock was not taken while the cluster was being read: " + seen);
        assertFalse(seen.contains("PATCH /api/v1/namespaces/" + ns), "the control plane was labelled before the read: " + seen);
        assertEquals("applied", Outcomes.of(change.get(10, TimeUnit.SECONDS)).get("east"));
        assertEquals("disabled", labels(east.cluster.client(), ns).get("istio-injection"));
        assertEquals("disabled", labels(controlPlane.getClient(), ns).get("istio-injection"));
    }

    /**
     * Another instance holds the lock while this one reads the cluster; it disables injection there
     * and releases. The read (injection enabled, nothing to do) is stale: it must be read again.
     */
    @Test
    void aReadThatAnotherChangeMayHaveOvertakenIsReadAgainUnderTheLock() throws Exception {
        String state = "namespace-" + ns;
        controlPlane.getClient().configMaps().inNamespace("meshns-system").withName(state).edit(cm -> {
            cm.getData().put("lock.holder", "another-instance");
            cm.getData().put("lock.lease", "PT30S");
            return cm;
        });
        AtomicInteger reads = new AtomicInteger();
        east.proxy.rule((method, path) -> {
            if (path.equals("/api/v1/namespaces/" + ns) && method.equals("GET")) {
                reads.incrementAndGet();
            }
            return Step.forward();
        });

        CompletableFuture<JsonPath> change = changeInTheBackground("enableInjection");
        while (reads.get() == 0) {
            Thread.sleep(5);
        }
        Thread.sleep(300); // the read is answered: injection enabled in east
        // The other instance's change: the control plane, then east, then its record and release.
        controlPlane.getClient().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "disabled");
            return n;
        });
        east.cluster.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "disabled");
            return n;
        });
        controlPlane.getClient().configMaps().inNamespace("meshns-system").withName(state).edit(cm -> {
            cm.getData().remove("lock.holder");
            cm.getData().remove("lock.lease");
            return cm;
        });

        JsonPath enabled = change.get(20, TimeUnit.SECONDS);

        assertEquals("applied", Outcomes.of(enabled).get("east"), enabled.prettify());
        assertEquals("enabled", labels(east.cluster.client(), ns).get("istio-injection"), "east was left as the other change left it");
        assertEquals("enabled", labels(controlPlane.getClient(), ns).get("istio-injection"));
        assertTrue(reads.get() >= 2, "east was read " + reads.get() + " time(s)");
    }
}
