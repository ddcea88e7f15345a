package io.meshns.api.state;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.DroppingProxy;
import io.meshns.testing.GatedProxy;
import io.meshns.testing.GatedProxy.Step;
import io.meshns.testing.Mesh;
import io.meshns.testing.Outcomes;
import io.meshns.testing.Requests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/** reconcile and resync-on-join repair every way a data plane can fall behind; each checked on the servers. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcileTest {

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MockApiServer east;
    private MockApiServer west;
    private String ns;
    private static int counter;

    private KubernetesClient cp() {
        return controlPlane.getClient();
    }

    @BeforeEach
    void twoDataPlanes() {
        ns = "rec-" + counter++;
        east = start();
        west = start();
        Mesh.register("east", east.url());
        Mesh.register("west", west.url());
        createNamespace(cp(), ns, Map.of("team", "a"));
    }

    @AfterEach
    void stop() throws Exception {
        Mesh.deregisterAll();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        toClose.clear();
    }

    private MockApiServer start() {
        MockApiServer server = MockApiServer.start().withInjectors("default");
        toClose.add(server);
        return server;
    }

    private static Map<String, Object> resultOf(JsonPath report, String namespace) {
        List<Map<String, Object>> results = report.getList("results");
        return results.stream().filter(r -> namespace.equals(r.get("namespace"))).findFirst().orElse(null);
    }

    @Test
    void aRepairSetsTheInjectionLabelsAndKeepsEveryOtherOne() {
        createNamespace(east.client(), ns, Map.of("team", "a", "owner", "x", "istio.io/rev", "old"));
        createNamespace(west.client(), ns, Map.of("team", "b"));
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"force\": true}").statusCode(200);
        // Drift made by hand: a revision and an unrelated label in east, only unrelated labels in west.
        east.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .withLabels(Map.of("team", "a", "owner", "x", "istio.io/rev", "old")).endMetadata().build());
        west.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .withLabels(Map.of("team", "b")).endMetadata().build());

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals(Map.of("east", "applied", "west", "applied"), Outcomes.of(report, ns), report.prettify());
        assertEquals(Map.of("team", "a", "owner", "x", "istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(Map.of("team", "b", "istio-injection", "enabled"), labels(west.client(), ns));
    }

    @Test
    void aClusterDownDuringEnableIsRepairedWhenItComesBack() throws Exception {
        MockApiServer flaky = start();
        createNamespace(flaky.client(), ns, Map.of());
        DroppingProxy proxy = new DroppingProxy(flaky.port(), 0);
        toClose.add(proxy);
        Mesh.register("flaky", proxy.url());
        proxy.down(true);

        JsonPath enabled = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("failed", Outcomes.of(enabled).get("flaky"));
        assertEquals(Map.of(), labels(flaky.client(), ns));
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.find { it.cluster == 'flaky' }.outcome", equalTo("failed"));

        proxy.down(false);
        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals("applied", Outcomes.of(report, ns).get("flaky"));
        assertEquals(Map.of("istio-injection", "enabled"), labels(flaky.client(), ns));
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.find { it.cluster == 'flaky' }.outcome", equalTo("applied"));
    }

    @Test
    void aClusterRegisteredLaterIsBroughtUpToDateAtOnce() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"canary\"}").statusCode(200);
        MockApiServer late = start();
        createNamespace(late.client(), ns, Map.of("istio-injection", "enabled", "keep", "me"));

        JsonPath registered = call("registerCluster", "{\"name\": \"late\", \"server\": \"" + late.url()
                + "\", \"token\": \"t\"}").statusCode(200).extract().jsonPath();

        assertEquals("done", registered.getString("resync"));
        assertEquals("applied", registered.getString("namespaces.find { it.namespace == '" + ns + "' }.outcome"));
        assertEquals(Map.of("istio.io/rev", "canary", "keep", "me"), labels(late.client(), ns));
    }

    @Test
    void aDataPlaneNamespaceCreatedLaterIsLabelled() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        assertNull(labels(east.client(), ns));
        createNamespace(east.client(), ns, Map.of("app", "x"));

        JsonPath report = call("reconcile", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

        assertEquals(1, report.getInt("namespaces"));
        assertEquals(Map.of("east", "applied", "west", "absent"), Outcomes.of(report, ns));
        assertEquals(Map.of("app", "x", "istio-injection", "enabled"), labels(east.client(), ns));
        assertNull(labels(west.client(), ns), "reconcile never creates a namespace");
    }

    @Test
    void aLabelChangedByHandIsPutBack() {
        createNamespace(east.client(), ns, Map.of());
        createNamespace(west.client(), ns, Map.of());
        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        west.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "enabled").addToLabels("istio.io/rev", "rogue").endMetadata().build());

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals(Map.of("east", "unchanged", "west", "applied"), Outcomes.of(report, ns));
        assertEquals(Map.of("istio-injection", "disabled"), labels(west.client(), ns));
    }

    @Test
    void aControlPlaneNamespaceLabelledWithKubectlIsIntent() {
        createNamespace(east.client(), ns, Map.of());
        cp().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio.io/rev", "stable").endMetadata().build());

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals(Map.of("east", "applied", "west", "absent"), Outcomes.of(report, ns));
        assertEquals(Map.of("istio.io/rev", "stable"), labels(east.client(), ns));
        var state = cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
        assertEquals("rev:stable", state.getData().get("desired"));
    }

    @Test
    void aNamespaceWithoutInjectionLabelsIsLeftAloneEverywhere() {
        createNamespace(east.client(), ns, Map.of("istio-injection", "enabled"));

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();
        assertNull(resultOf(report, ns));
        assertEquals(Map.of("istio-injection", "enabled"), labels(east.client(), ns));

        call("reconcile", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("namespaces", equalTo(0));
        assertEquals(Map.of("istio-injection", "enabled"), labels(east.client(), ns));
    }

    @Test
    void aSecondReconcileHasNothingToDo() throws Exception {
        createNamespace(east.client(), ns, Map.of());
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("reconcile", "{}").statusCode(200);
        Map<String, String> stateVersions = stateVersions();
        Requests.drain(east);

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        for (Map<String, Object> result : report.<Map<String, Object>> getList("results")) {
            for (Object outcome : (List<?>) result.get("clusters")) {
                String word = (String) ((Map<?, ?>) outcome).get("outcome");
                assertTrue(word.equals("unchanged") || word.equals("absent"), report.prettify());
            }
        }
        List<String> requests = Requests.drain(east);
        assertEquals(List.of("GET /api/v1/namespaces?limit=500"), requests);
        assertEquals(stateVersions, stateVersions(), "no state ConfigMap was written");
    }

    @Test
    void reconcileCostsOneListPerClusterPlusOnePatchPerDriftedNamespace() throws Exception {
        int namespaces = 60;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            String name = ns + "-bulk-" + i;
            names.add(name);
            createNamespace(cp(), name, Map.of("istio-injection", "enabled"));
            createNamespace(east.client(), name, Map.of("istio-injection", "enabled"));
            createNamespace(west.client(), name, Map.of("istio-injection", "enabled"));
        }
        // 5 % drift in east, none in west.
        for (int i = 0; i < 3; i++) {
            east.client().namespaces().withName(names.get(i * 20)).edit(n -> new NamespaceBuilder(n).editMetadata()
                    .addToLabels("istio-injection", "disabled").endMetadata().build());
        }
        Requests.drain(east);
        Requests.drain(west);

        call("reconcile", "{}").statusCode(200).body("namespaces", org.hamcrest.Matchers.greaterThanOrEqualTo(namespaces));

        List<String> eastRequests = Requests.drain(east);
        List<String> westRequests = Requests.drain(west);
        assertEquals(1, Requests.count(eastRequests, "GET"), eastRequests.toString());
        assertEquals(3, Requests.count(eastRequests, "PATCH"), eastRequests.toString());
        assertEquals(4, eastRequests.size(), eastRequests.toString());
        assertEquals(List.of("GET /api/v1/namespaces?limit=500"), westRequests);
        for (String name : names) {
            assertEquals("enabled", labels(east.client(), name).get("istio-injection"), name);
        }
    }

    @Test
    void aRemovalThatFailedIsRepairedByTheNextReconcile() throws Exception {
        MockApiServer flaky = start();
        createNamespace(flaky.client(), ns, Map.of());
        DroppingProxy proxy = new DroppingProxy(flaky.port(), 0);
        toClose.add(proxy);
        Mesh.register("flaky", proxy.url());
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        assertEquals(Map.of("istio-injection", "enabled"), labels(flaky.client(), ns));

        proxy.down(true);
        JsonPath removed = call("removeInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("failed", Outcomes.of(removed).get("flaky"));
        proxy.down(false);

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals("applied", Outcomes.of(report, ns).get("flaky"), report.prettify());
        assertEquals(Map.of(), labels(flaky.client(), ns), "the cluster that missed the removal still injects");
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.find { it.cluster == 'flaky' }.outcome", equalTo("applied"));
    }

    /**
     * reconcile LISTs a cluster (held on the way), a removal fails there meanwhile and is recorded,
     * then the LIST answers with the old labels: the reconcile must not record "unchanged" over the
     * newer "failed", or getNamespace would hide the drift.
     */
    @Test
    void reconcileDoesNotRecordOverANewerOutcome() throws Exception {
        MockApiServer slow = start();
        createNamespace(slow.client(), ns, Map.of());
        GatedProxy proxy = new GatedProxy(slow.port());
        toClose.add(proxy);
        Mesh.register("slow", proxy.url());
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);

        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger lists = new AtomicInteger();
        // The LIST, paged or not.
        proxy.rule((method, path) -> method.equals("GET") && path.replaceFirst("\\?.*", "").equals("/api/v1/namespaces")
                && lists.getAndIncrement() == 0 ? Step.hold(gate) : Step.forward());
        // The removal is refused, whether it starts with a read or (from a copy meshns remembers) a patch.
        String forbidden = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"forbidden\",\"code\":403}";
        slow.mock().expect().get().withPath("/api/v1/namespaces/" + ns).andReturn(403, forbidden).once();
        slow.mock().expect().patch().withPath("/api/v1/namespaces/" + ns + "?fieldManager=meshns").andReturn(403, forbidden).once();
        CompletableFuture<Integer> reconcile = CompletableFuture.supplyAsync(
                () -> call("reconcile", "{}").extract().statusCode());
        proxy.awaitHeld(1);
        JsonPath removed = call("removeInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("failed", Outcomes.of(removed).get("slow"));
        gate.countDown();
        assertEquals(200, reconcile.join());

        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("clusters.find { it.cluster == 'slow' }.outcome", equalTo("failed"));
    }

    @Test
    void theStateOfANamespaceDeletedWithKubectlIsRemoved() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        assertTrue(stateVersions().containsKey("namespace-" + ns));
        cp().namespaces().withName(ns).delete();

        call("reconcile", "{}").statusCode(200);

        assertNull(cp().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get());
    }

    @Test
    void aRepairThatCannotGetItsLockIsReportedForThatNamespaceAlone() {
        String busy = ns + "-busy";
        createNamespace(cp(), busy, Map.of("istio-injection", "enabled"));
        createNamespace(east.client(), busy, Map.of());
        createNamespace(east.client(), ns, Map.of());
        cp().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "enabled").endMetadata().build());
        // Another instance is in the middle of a change to "busy" (its lock, as it writes it).
        cp().configMaps().inNamespace("meshns-system").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("namespace-" + busy).addToLabels("meshns.io/namespace", busy).endMetadata()
                .addToData("lock.holder", "another-instance")
                .addToData("lock.expires", java.time.Instant.now().plusSeconds(3600).toString()).build()).create();

        JsonPath report = call("reconcile", "{}").statusCode(200).extract().jsonPath();

        assertEquals("failed", Outcomes.of(report, busy).get("east"), report.prettify());
        assertEquals("applied", Outcomes.of(report, ns).get("east"), report.prettify());
        assertEquals(Map.of("istio-injection", "enabled"), labels(east.client(), ns));
        assertEquals(Map.of(), labels(east.client(), busy), "nothing was written without the lock");
    }

    @Test
    void reconcileRejectsMistakes() {
        fails("reconcile", "{\"namespace\": \"no-such\"}", 404, "namespace-not-found");
        fails("reconcile", "{\"namespace\": \"kube-system\"}", 403, "protected-namespace");
        fails("reconcile", "{\"namespace\": 1}", 400, "wrong-type");
        fails("reconcile", "{\"all\": true}", 400, "unknown-field");
    }

    private Map<String, String> stateVersions() {
        Map<String, String> versions = new HashMap<>();
        cp().configMaps().inNamespace("meshns-system").withLabel("meshns.io/namespace").list().getItems()
                .forEach(cm -> versions.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        return versions;
    }

    @Test
    void aNamespaceCreatedWithoutInjectionIsLeftAloneThoughItsHistoryIsKept() {
        String created = ns + "-plain";
        call("createNamespace", "{\"name\": \"" + created + "\"}").statusCode(200);
        createNamespace(east.client(), created, Map.of("istio-injection", "enabled"));

        call("reconcile", "{}").statusCode(200)
                .body("results.find { it.namespace == '" + created + "' }", equalTo(null));

        assertEquals("enabled", labels(east.client(), created).get("istio-injection"), "a label set by hand there stays");
        call("getNamespace", "{\"name\": \"" + created + "\"}").statusCode(200)
                .body("history.change", equalTo(List.of("NamespaceCreated")));
    }
}
