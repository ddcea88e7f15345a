package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshns.mesh.Injection;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * Two function instances taking conflicting calls on one namespace at once, as two pods of the
 * Knative service would: the lock and every write meet real resourceVersion conflicts.
 */
@RealKubernetes
class RealConcurrencyIT {

    private static RealMesh mesh;
    private static FunctionProcess first;
    private static FunctionProcess second;
    private static String admin;

    @BeforeAll
    static void deploy() throws Exception {
        mesh = RealMesh.deploy();
        first = mesh.startFunction("concurrency-1", Map.of());
        second = mesh.startFunction("concurrency-2", Map.of());
        admin = mesh.controlPlane().token("admin");
        first.ok("registerCluster", mesh.registration("c-east", mesh.east()), admin);
        second.ok("registerCluster", mesh.registration("c-west", mesh.west()), admin);
    }

    @AfterAll
    static void stop() throws Exception {
        for (FunctionProcess function : new FunctionProcess[] { first, second }) {
            if (function != null) {
                function.close();
                LogAssertions.assertNoSecret(function.log(), mesh.secrets());
            }
        }
        if (first != null) {
            mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withLabel("meshns.io/cluster").delete();
            mesh.controlPlane().admin().secrets().inNamespace("meshns-system").withLabel("meshns.io/cluster").delete();
        }
    }

    @Test
    void conflictingCallsThroughTwoInstancesLeaveEveryClusterAsTheControlPlane() throws Exception {
        String ns = "contended";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of("team", "a"));
        }
        String[] calls = { "enableInjection|{\"namespace\": \"contended\"}",
                "disableInjection|{\"namespace\": \"contended\"}",
                "enableInjection|{\"namespace\": \"contended\", \"revision\": \"canary\"}",
                "removeInjection|{\"namespace\": \"contended\"}",
                "enableInjection|{\"namespace\": \"contended\", \"revision\": \"stable\"}" };
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<FunctionProcess.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String[] call = calls[i % calls.length].split("\\|");
                FunctionProcess instance = i % 2 == 0 ? first : second;
                answers.add(pool.submit(() -> instance.call(call[0], call[1], admin)));
            }
            for (Future<FunctionProcess.Answer> answer : answers) {
                assertEquals(200, answer.get().status(), answer.get().body().toString());
            }
        } finally {
            pool.shutdown();
        }

        Injection controlPlane = Injection.fromLabels(labels(mesh.controlPlane(), ns));
        for (KubeApiServer dataPlane : List.of(mesh.east(), mesh.west())) {
            assertEquals(controlPlane, Injection.fromLabels(labels(dataPlane, ns)), dataPlane.name());
            assertEquals("a", labels(dataPlane, ns).get("team"), "other labels stay");
        }
        var state = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertEquals(controlPlane.encode(), state.getData().get("desired"));
        assertFalse(state.getData().containsKey("lock.holder"), "the lock was released");
    }
}
