package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.EastAndWest;
import io.meshns.testing.Events;
import io.meshns.testing.Requests;
import io.meshns.testing.Snapshot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * migrateRevision on the mock tier: namespaces whose wanted injection is exactly one revision move to
 * the next, mesh-wide or in a ring of clusters, after the injector precheck, each under its own lock.
 * East and west run the injectors default, 1-24-0 and canary.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MigrateRevisionTest extends EastAndWest {

    private static final Map<String, String> ON_1_24 = Map.of("istio.io/rev", "1-24-0");
    private static final Map<String, String> ON_CANARY = Map.of("istio.io/rev", "canary");

    private String ns;

    @BeforeEach
    void namespaceEverywhereOn124() {
        ns = mesh.freshNamespace("mig");
        for (KubernetesClient client : List.of(cp(), east.client(), west.client())) {
            createNamespace(client, ns, Map.of("team", "a"));
        }
        registerEastAndWest();
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"1-24-0\"}").statusCode(200);
    }

    private KubernetesClient cp() {
        return controlPlane.getClient();
    }

    private JsonPath migrate(String json) {
        return mesh.call("migrateRevision", json);
    }

    private static Map<String, String> injection(KubernetesClient client, String namespace) {
        Map<String, String> injection = new TreeMap<>(labels(client, namespace));
        injection.remove("team");
        injection.remove("kubernetes.io/metadata.name");
        return injection;
    }

    @Test
    void aNamespaceMovesEverywhereAndASecondCallFindsNothingToDo() {
        JsonPath moved = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}");

        assertEquals(Map.of("east", "applied", "west", "applied"), mesh.outcomes(moved, ns));
        for (KubernetesClient client : List.of(cp(), east.client(), west.client())) {
            assertEquals(ON_CANARY, injection(client, ns));
        }
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("history[0].change", equalTo("RevisionMigrated"));
        assertEquals(List.of(), migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}")
                .getList("results"));
    }

    @Test
    void aMeshWideMoveLabelsTheControlPlaneFromTheCopyItReadWithoutReadingItAgain() throws Exception {
        Events.settled();
        Requests.drain(controlPlane.getKubernetesMockServer());

        migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}");

        Events.settled();
        List<String> requests = Requests.drain(controlPlane.getKubernetesMockServer());
        String namespace = "/api/v1/namespaces/" + ns;
        String state = "PUT /api/v1/namespaces/meshns-system/configmaps/namespace-" + ns;
        // One read of the namespace to find what moves; under the lock, one PATCH conditional on that copy.
        assertEquals(1, requests.stream().filter(r -> r.equals("GET " + namespace)).count(), requests.toString());
        assertEquals(1, requests.stream().filter(r -> r.equals("PATCH " + namespace)).count(), requests.toString());
        // The lock, then the outcomes with the release.
        assertEquals(2, requests.stream().filter(state::equals).count(), requests.toString());
        assertEquals(ON_CANARY, injection(cp(), ns));
    }

    @Test
    void aRingMovesAloneAndReconcileKeepsIt() {
        JsonPath canary = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusters\": [\"east\"], \"namespaces\": [\"" + ns
                + "\"]}");

        assertEquals(Map.of("east", "applied"), mesh.outcomes(canary, ns));
        assertEquals(ON_CANARY, injection(east.client(), ns));
        assertEquals(ON_1_24, injection(west.client(), ns));
        assertEquals(ON_1_24, injection(cp(), ns), "the mesh-wide state stays");

        JsonPath repaired = mesh.call("reconcile", "{\"namespace\": \"" + ns + "\"}");
        assertEquals(List.of("unchanged", "unchanged"), repaired.getList("results[0].clusters.outcome"));

        // The rest of the fleet: west and the control plane; east keeps the setting it has.
        JsonPath rest = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}");
        assertEquals(Map.of("west", "applied"), mesh.outcomes(rest, ns));
        for (KubernetesClient client : List.of(cp(), east.client(), west.client())) {
            assertEquals(ON_CANARY, injection(client, ns));
        }
    }

    @Test
    void aRingChosenByItsLabelsMovesAlone() {
        call("updateCluster", "{\"name\": \"west\", \"labels\": {\"ring\": \"canary\"}}").statusCode(200);

        JsonPath canary = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusterSelector\": \"ring=canary\","
                + " \"namespaces\": [\"" + ns + "\"]}");

        assertEquals(Map.of("west", "applied"), mesh.outcomes(canary, ns));
        assertEquals(ON_CANARY, injection(west.client(), ns));
        assertEquals(ON_1_24, injection(east.client(), ns));
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusterSelector\": \"ring=none\"}", 404,
                "cluster-not-found");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusters\": [\"east\"],"
                + " \"clusterSelector\": \"ring=canary\"}", 400, "clusters-and-selector");
    }

    @Test
    void aClusterSettingOfTheOldRevisionMovesWhileOtherSettingsStay() {
        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"1-24-0\", \"clusters\": [\"west\"]}")
                .statusCode(200);

        JsonPath moved = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}");

        assertEquals(Map.of("west", "applied"), mesh.outcomes(moved, ns));
        assertEquals(Map.of("istio-injection", "disabled"), injection(cp(), ns));
        assertEquals(Map.of("istio-injection", "disabled"), injection(east.client(), ns));
        assertEquals(ON_CANARY, injection(west.client(), ns));
    }

    @Test
    void theDefaultRevisionIsIstioInjectionEnabled() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);

        JsonPath moved = migrate("{\"from\": \"default\", \"to\": \"canary\", \"namespaces\": [\"" + ns + "\"]}");

        assertEquals(Map.of("east", "applied", "west", "applied"), mesh.outcomes(moved, ns));
        assertEquals(ON_CANARY, injection(west.client(), ns), "istio-injection goes: it would win over istio.io/rev");
    }

    @Test
    void everyManagedNamespaceOnTheOldRevisionMovesWithoutANamespaceList() {
        String old = ns.replace("mig", "old");
        String other = ns + "-b";
        for (KubernetesClient client : List.of(cp(), east.client())) {
            createNamespace(client, other, Map.of());
        }
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"" + old + "\", \"force\": true}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + other + "\", \"revision\": \"" + old + "\", \"force\": true}")
                .statusCode(200);

        JsonPath moved = migrate("{\"from\": \"" + old + "\", \"to\": \"canary\"}");

        assertEquals(List.of(ns, other), moved.getList("results.namespace"));
        assertEquals(Map.of("east", "applied", "west", "absent"), mesh.outcomes(moved, other));
        assertEquals(ON_CANARY, injection(east.client(), other));
    }

    @Test
    void outcomesNameThePodsStillOnTheOldProxy() {
        east.client().pods().inNamespace(ns).resource(podWithProxy("web-1", "1-24-0")).create();

        JsonPath moved = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusters\": [\"east\"], \"namespaces\": [\"" + ns
                + "\"]}");

        assertEquals(1, moved.getInt("results[0].clusters[0].restart.pods"));
        assertEquals(List.of("Pod/web-1"), moved.getList("results[0].clusters[0].restart.workloads"));
    }

    @Test
    void aRevisionWithoutAnInjectorIsRefusedAndNothingChanges() {
        List<Snapshot> before = List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client()));

        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"1-25\", \"namespaces\": [\"" + ns + "\"]}", 409,
                "injector-missing").body("message", allOf(containsString("east, west"), containsString("1-25")));

        assertEquals(before, List.of(Snapshot.of(cp()), Snapshot.of(east.client()), Snapshot.of(west.client())));
    }

    @Test
    void aDryRunSaysWhatWouldMoveAndChangesNoResourceVersion() {
        Map<String, String> before = versions();

        JsonPath preview = migrate("{\"from\": \"1-24-0\", \"to\": \"canary\", \"dryRun\": true, \"namespaces\": [\"" + ns + "\"]}");

        assertEquals(true, preview.getBoolean("dryRun"));
        assertEquals(Map.of("east", "applied", "west", "applied"), mesh.outcomes(preview, ns));
        assertEquals(before, versions());
    }

    @Test
    void mistakesAreRefusedBeforeAnythingIsRead() {
        fails("migrateRevision", "{\"from\": \"canary\", \"to\": \"canary\"}", 400, "same-revision");
        fails("migrateRevision", "{\"from\": \"1-24-0\"}", 400, "missing-field");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": []}", 400, "empty-namespaces");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusters\": []}", 400, "empty-clusters");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"clusters\": [\"nowhere\"]}", 404,
                "cluster-not-found");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"bad revision\"}", 400, "invalid-revision");
        fails("migrateRevision", "{\"from\": \"1-24-0\", \"to\": \"canary\", \"namespaces\": [\"kube-system\"]}", 403,
                "protected-namespace");
    }

    /** Every namespace's and state ConfigMap's resourceVersion in the control plane and both clusters. */
    private Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        Map.of("cp", cp(), "east", east.client(), "west", west.client()).forEach((name, client) -> {
            client.namespaces().list().getItems().forEach(n -> versions.put(name + "/" + n.getMetadata().getName(),
                    n.getMetadata().getResourceVersion()));
            client.configMaps().inAnyNamespace().list().getItems().forEach(c -> versions.put(name + "/cm/"
                    + c.getMetadata().getName(), c.getMetadata().getResourceVersion()));
        });
        return versions;
    }

    private Pod podWithProxy(String name, String revision) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("istio.io/rev", revision)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app").endContainer()
                .addNewContainer().withName("istio-proxy").withImage("proxy").endContainer().endSpec().build();
    }
}
