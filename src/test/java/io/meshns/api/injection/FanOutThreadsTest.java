package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import io.meshns.testing.Outcomes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshns.testing.ManyClusters;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * A fan-out holds no thread per cluster: the most threads alive during an injection change over
 * 200 clusters, all answering slowly at once, is about what it is over 20.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FanOutThreadsTest {

    private static final String NS = "threads";
    private static final int FEW = 20;
    private static final int MANY = 200;
    /** Threads the JVM may start on its own meanwhile (JIT compilers, GC), not per cluster. */
    private static final int SLACK = 15;

    static ManyClusters clusters;

    @KubernetesTestServer
    KubernetesServer controlPlane;

    @BeforeAll
    static void startClusters() {
        clusters = ManyClusters.start(MANY, Duration.ZERO, Map.of(NS, Map.of("team", "a")));
    }

    @AfterAll
    static void stopClusters() {
        clusters.close();
    }

    @Test
    void threadsDoNotGrowWithTheNumberOfClusters() {
        createNamespace(controlPlane.getClient(), NS, Map.of());
        register(0, FEW);
        clusters.latency(Duration.ofMillis(300));
        change(FEW); // warm: the first call loads classes and starts the pools it uses
        int few = peakThreadsDuring(FEW);

        clusters.latency(Duration.ZERO);
        register(FEW, MANY);
        clusters.latency(Duration.ofMillis(300));
        int many = peakThreadsDuring(MANY);

        assertTrue(many <= few + SLACK, "threads alive at most: " + few + " over " + FEW + " clusters, " + many
                + " over " + MANY);
        for (int i = 0; i < MANY; i++) {
            assertEquals("enabled", clusters.labels(i, NS).get("istio-injection"), "cluster " + i);
        }
        clusters.latency(Duration.ZERO);
        Mesh.deregisterAll();
    }

    private static void register(int from, int to) {
        for (int i = from; i < to; i++) {
            Mesh.register("c" + i, clusters.url(i));
        }
    }

    /** The most threads alive in this JVM during one enableInjection over {@code count} clusters. */
    private static int peakThreadsDuring(int count) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        call("disableInjection", "{\"namespace\": \"" + NS + "\"}").statusCode(200);
        threads.resetPeakThreadCount();
        change(count);
        return threads.getPeakThreadCount();
    }

    private static void change(int count) {
        JsonPath answer = call("enableInjection", "{\"namespace\": \"" + NS + "\"}").statusCode(200).extract().jsonPath();
        Map<String, String> outcomes = Outcomes.of(answer);
        assertEquals(count, outcomes.size(), answer.prettify());
        assertTrue(outcomes.values().stream().allMatch(o -> o.equals("applied")), answer.prettify());
    }
}
