package io.meshns.api.state;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Events;
import io.meshns.testing.Mesh;
import io.meshns.testing.Requests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * What a call costs the control plane, counted at the control plane's server: an injection change
 * on a warm instance, and a reconcile with nothing to repair. And that what the instance remembers
 * to save those round trips never hides a change made by someone else.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RoundTripsTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private final List<MockApiServer> dataPlanes = new ArrayList<>();
    private String ns;
    private static int counter;

    private KubernetesClient cp() {
        return controlPlane.getClient();
    }

    /** Every request so far, the Events of the calls made included (they are sent after each answer). */
    private List<String> controlPlaneRequests() throws InterruptedException {
        Events.settled();
        return Requests.drain(controlPlane.getKubernetesMockServer());
    }

    @BeforeEach
    void twoDataPlanes() {
        ns = "trips-" + counter++;
        for (String name : new String[] { "east", "west" }) {
            MockApiServer server = MockApiServer.start().withInjectors("default");
            dataPlanes.add(server);
            Mesh.register(name, server.url());
            createNamespace(server.client(), ns, Map.of("team", "a"));
        }
        createNamespace(cp(), ns, Map.of("team", "a"));
    }

    @AfterEach
    void stop() {
        Mesh.deregisterAll();
        dataPlanes.forEach(MockApiServer::close);
        dataPlanes.clear();
    }

    private static boolean event(String request) {
        return request.startsWith("POST /api/v1/namespaces/default/events");
    }

    /** The requests a call waits for: its Events leave after its answer. */
    private static List<String> withoutEvents(List<String> requests) {
        return requests.stream().filter(r -> !event(r)).toList();
    }

    private void change(String function) {
        call(function, "{\"namespace\": \"" + ns + "\"}").statusCode(200);
    }

    private void assertEverywhere(String injection) {
        assertEquals(injection, labels(cp(), ns).get("istio-injection"));
        dataPlanes.forEach(dp -> assertEquals(injection, labels(dp.client(), ns).get("istio-injection")));
    }

    @Test
    void anInjectionChangeOnAWarmInstanceSendsAtMostFourRequestsToTheControlPlane() throws Exception {
        change("enableInjection");
        change("disableInjection");
        controlPlaneRequests();

        change("enableInjection");

        List<String> all = controlPlaneRequests();
        List<String> requests = withoutEvents(all);
        // The registered clusters (one LIST), the lock (a PUT of the state), the label (a PATCH), and
        // the outcomes, the history entry and the release (a PUT of the state): nothing else.
        String state = "PUT /api/v1/namespaces/meshns-system/configmaps/namespace-" + ns;
        assertEquals(List.of("GET /api/v1/namespaces/meshns-system/configmaps?labelSelector=meshns.io%2Fcluster",
                "PATCH /api/v1/namespaces/" + ns, state, state), requests.stream().sorted().toList(), all.toString());
        // Its Event is one more request, sent after the answer: the last of all.
        assertEquals(1, all.stream().filter(RoundTripsTest::event).count(), all.toString());
        assertTrue(event(all.get(all.size() - 1)), all.toString());
        assertEverywhere("enabled");
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("history.change", equalTo(List.of("InjectionEnabled", "InjectionDisabled", "InjectionEnabled")));
    }

    @Test
    void theCallAnswersWithoutWaitingForItsEvent() throws Exception {
        change("enableInjection");
        change("disableInjection");
        controlPlaneRequests();
        // A control plane that takes 4 s to store an Event.
        controlPlane.getKubernetesMockServer().expect().post().delay(4, TimeUnit.SECONDS)
                .withPath("/api/v1/namespaces/default/events?fieldManager=meshns").andReturn(201, "{}").once();

        long start = System.nanoTime();
        change("enableInjection");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(millis < 4000, "the call took " + millis + " ms, its Event's round trip included");
        assertEverywhere("enabled");
        assertEquals(1, controlPlaneRequests().stream().filter(RoundTripsTest::event).count());
    }

    @Test
    void aNamespaceLabelledByHandMeanwhileIsReadAgainNotOverwritten() throws Exception {
        change("enableInjection");
        // By hand, between two calls of this instance: what it remembers of the namespace is stale.
        cp().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio.io/rev", "canary");
            n.getMetadata().getLabels().put("owner", "b");
            return n;
        });

        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("labels.'istio.io/rev'", equalTo(null)).body("labels.owner", equalTo("b"));

        Map<String, String> labels = labels(cp(), ns);
        assertEquals("enabled", labels.get("istio-injection"));
        assertEquals(null, labels.get("istio.io/rev"));
        assertEquals("b", labels.get("owner"));
    }

    @Test
    void stateWrittenByAnotherInstanceMeanwhileIsReadAgainNotOverwritten() throws Exception {
        change("enableInjection");
        // Another instance recorded something: the state this one remembers is stale.
        cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).edit(cm -> {
            cm.getMetadata().setAnnotations(Map.of("touched-by", "another-instance"));
            return cm;
        });

        change("disableInjection");

        var state = cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertEquals("another-instance", state.getMetadata().getAnnotations().get("touched-by"));
        assertEverywhere("disabled");
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).body("injection", equalTo("disabled"));
    }

    @Test
    void aClusterDeregisteredThroughAnotherInstanceIsLeftOutOfTheNextCall() throws Exception {
        change("enableInjection");
        // As another instance's deregisterCluster does: the Secret, then the ConfigMap.
        cp().secrets().inNamespace("meshns-system").withName("cluster-west").delete();
        cp().configMaps().inNamespace("meshns-system").withName("cluster-west").delete();

        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.cluster", equalTo(List.of("east")));
        assertEquals("enabled", labels(dataPlanes.get(1).client(), ns).get("istio-injection"));
    }

    @Test
    void aNamespaceDeletedMeanwhileIsStillNotFoundAndLeavesNoState() throws Exception {
        change("enableInjection");
        cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).delete();
        cp().namespaces().withName(ns).delete();

        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(404);

        assertEquals(null, cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get());
        dataPlanes.forEach(dp -> assertEquals("enabled", labels(dp.client(), ns).get("istio-injection")));
    }

    @Test
    void aReconcileWithNothingToRepairOrRecordOnlyReads() throws Exception {
        change("enableInjection");
        call("reconcile", "{}").statusCode(200);
        controlPlaneRequests();

        call("reconcile", "{}").statusCode(200);

        List<String> requests = controlPlaneRequests();
        assertEquals(List.of(), Requests.writes(requests), requests.toString());
        // The state ConfigMaps, the namespaces and the registered clusters: one LIST each.
        assertTrue(requests.size() <= 3, requests.size() + " requests: " + requests);
    }

    @Test
    void aRepairWritesTheControlPlaneTwiceTakingTheLockAndRecordingAsItReleases() throws Exception {
        change("enableInjection");
        call("reconcile", "{}").statusCode(200);
        dataPlanes.get(0).client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().remove("istio-injection");
            return n;
        });
        controlPlaneRequests();

        call("reconcile", "{}").statusCode(200);

        List<String> requests = withoutEvents(controlPlaneRequests());
        assertEquals(2, Requests.writes(requests).size(), requests.toString());
        // The three LISTs, and the namespace read again under its lock.
        assertTrue(requests.size() <= 6, requests.size() + " requests: " + requests);
        assertEverywhere("enabled");
    }

    @Test
    void aDataPlaneNamespaceLabelledByHandMeanwhileIsReadAgainNotOverwritten() throws Exception {
        change("enableInjection");
        dataPlanes.get(0).client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio.io/rev", "canary");
            n.getMetadata().getLabels().put("owner", "b");
            return n;
        });

        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.outcome", equalTo(List.of("applied", "applied")));

        Map<String, String> labels = labels(dataPlanes.get(0).client(), ns);
        assertEquals(Map.of("team", "a", "owner", "b", "istio-injection", "disabled"),
                labels.entrySet().stream().filter(e -> !e.getKey().startsWith("kubernetes.io/"))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}
