package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mesh.Injection;
import io.meshns.testing.EastAndWest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** Many calls at once, as from many instances: every cluster ends consistent with the last change. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConcurrencyTest extends EastAndWest {

    @Test
    void parallelCallsOnOneNamespaceLeaveEveryClusterAlike() throws Exception {
        mesh.register("c-east", "east");
        mesh.register("c-west", "west");
        String ns = "contended";
        for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client(), west.client() }) {
            createNamespace(client, ns, Map.of("team", "a"));
        }
        String[] calls = { "{\"namespace\": \"contended\"}", "{\"namespace\": \"contended\", \"revision\": \"canary\"}",
                "{\"namespace\": \"contended\", \"revision\": \"stable\"}" };
        String[] functions = { "enableInjection", "disableInjection", "removeInjection" };

        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String function = functions[i % 3];
                String body = function.equals("enableInjection") ? calls[i % calls.length] : "{\"namespace\": \"contended\"}";
                statuses.add(pool.submit(() -> call(function, body).extract().statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdown();
        }

        Injection controlPlaneState = Injection.fromLabels(labels(controlPlane.getClient(), ns));
        assertEquals(controlPlaneState, Injection.fromLabels(labels(east.client(), ns)));
        assertEquals(controlPlaneState, Injection.fromLabels(labels(west.client(), ns)));
        assertEquals(Map.of("team", "a"), without(labels(east.client(), ns)));
        var state = controlPlane.getClient().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertEquals(controlPlaneState.encode(), state.getData().get("desired"));
        assertEquals(false, state.getData().containsKey("lock.holder"), "the lock was released");
        mesh.deregisterAll();
    }

    @Test
    void parallelCallsOnDifferentNamespacesAllLand() throws Exception {
        mesh.register("d-east", "east");
        List<String> namespaces = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String ns = "many-" + i;
            namespaces.add(ns);
            createNamespace(controlPlane.getClient(), ns, Map.of());
            createNamespace(east.client(), ns, Map.of());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String ns : namespaces) {
                statuses.add(pool.submit(() -> call("enableInjection", "{\"namespace\": \"" + ns + "\"}").extract().statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
        } finally {
            pool.shutdown();
        }
        for (String ns : namespaces) {
            assertEquals("enabled", labels(controlPlane.getClient(), ns).get("istio-injection"), ns);
            assertEquals("enabled", labels(east.client(), ns).get("istio-injection"), ns);
        }
        mesh.deregisterAll();
    }

    private static Map<String, String> without(Map<String, String> labels) {
        Map<String, String> rest = new java.util.HashMap<>(labels);
        rest.remove("istio-injection");
        rest.remove("istio.io/rev");
        return rest;
    }
}
