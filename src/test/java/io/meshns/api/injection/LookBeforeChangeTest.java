package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.state.EventLedger;
import io.meshns.testing.Events;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Outcomes;
import io.meshns.testing.Requests;
import io.meshns.testing.Snapshot;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Seeing before changing, and seeing what a change left to do: dry runs, the injector precheck,
 * restart impact, describeMesh and history, over HTTP against CRUD API servers. (The real API
 * servers' dryRun=All, webhooks and events are checked by RealLookBeforeChangeIT.)
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class LookBeforeChangeTest {

    private static int counter;
    private String ns;

    private static KubernetesClient cp() {
        return MeshServers.controlPlane.client();
    }

    @BeforeEach
    void mesh() {
        ns = "look-" + (++counter);
        Mesh.createNamespace(cp(), ns, Map.of());
        Mesh.createNamespace(MeshServers.east.client(), ns, Map.of());
        Mesh.createNamespace(MeshServers.west.client(), ns, Map.of());
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
    }

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
    }

    private static Snapshot everything() {
        return new Snapshot(Map.of("cp", Snapshot.of(cp()), "east", Snapshot.of(MeshServers.east.client()), "west",
                Snapshot.of(MeshServers.west.client())), Map.of(), Map.of(), Map.of());
    }

    /** The resourceVersion of every ConfigMap in the control plane: a write that changed no data still shows. */
    private static Map<String, String> stateVersions() {
        Map<String, String> versions = new java.util.TreeMap<>();
        cp().configMaps().inAnyNamespace().list().getItems().forEach(cm -> versions.put(
                cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), cm.getMetadata().getResourceVersion()));
        return versions;
    }

    private void pod(MockApiServer server, String name, String ownerKind, String owner, String hash, boolean proxy) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                .addNewContainer().withName("app").endContainer().endSpec();
        if (owner != null) {
            pod.editMetadata().addNewOwnerReference().withKind(ownerKind).withName(owner).withController(true)
                    .endOwnerReference().endMetadata();
        }
        if (hash != null) {
            pod.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        if (proxy) {
            pod.editSpec().addNewContainer().withName("istio-proxy").endContainer().endSpec();
        }
        server.client().pods().inNamespace(ns).resource(pod.build()).create();
    }

    @Test
    void aDryRunOfEveryWritingFunctionAnswersAsUsualAndWritesNothing() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        MeshServers.west.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().setLabels(Map.of());
            return n;
        });
        Snapshot before = everything();

        JsonPath disabled = call("disableInjection", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).body("injection", equalTo("disabled")).extract().jsonPath();
        assertEquals(Map.of("east", "applied", "west", "applied"), Outcomes.of(disabled));
        JsonPath enabled = call("enableInjection", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).extract().jsonPath();
        assertEquals(Map.of("east", "unchanged", "west", "applied"), Outcomes.of(enabled));
        call("removeInjection", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200).body("dryRun", equalTo(true));
        call("reconcile", "{\"dryRun\": true}").statusCode(200).body("dryRun", equalTo(true))
                .body("results.find { it.namespace == '" + ns + "' }.clusters.find { it.cluster == 'west' }.outcome",
                        equalTo("applied"));
        call("createNamespace", "{\"name\": \"" + ns + "-new\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).body("name", equalTo(ns + "-new"));
        call("deleteNamespace", "{\"name\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).body("deleted", equalTo(true));
        call("registerCluster", "{\"name\": \"north\", \"server\": \"" + MeshServers.west.url()
                + "\", \"token\": \"secret-token\", \"dryRun\": true}").statusCode(200).body("dryRun", equalTo(true))
                .body("namespaces.find { it.namespace == '" + ns + "' }.outcome", equalTo("applied"));
        call("deregisterCluster", "{\"name\": \"west\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true)).body("deregistered", equalTo(true));

        assertEquals(before, everything(), "a dry run writes no label, ConfigMap, Secret or event anywhere");

        // The same checks run: existence, conflicts, unknown clusters.
        fails("createNamespace", "{\"name\": \"" + ns + "\", \"dryRun\": true}", 409, "namespace-exists");
        fails("deleteNamespace", "{\"name\": \"nowhere\", \"dryRun\": true}", 404, "namespace-not-found");
        fails("enableInjection", "{\"namespace\": \"nowhere\", \"dryRun\": true}", 404, "namespace-not-found");
        fails("registerCluster", "{\"name\": \"east\", \"server\": \"" + MeshServers.east.url() + "\", \"dryRun\": true}", 409,
                "cluster-exists");
        fails("deregisterCluster", "{\"name\": \"nowhere\", \"dryRun\": true}", 404, "cluster-not-found");
        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"dryRun\": \"yes\"}", 400, "wrong-type");
        assertEquals(before, everything());
    }

    /**
     * A dry run delivered as a CloudEvent writes nothing either: it changes nothing, so it is not
     * claimed in the redelivery ledger, in binary or in structured mode.
     */
    @Test
    void aDryRunDeliveredAsACloudEventWritesNoLedgerEntryOrAnythingElse() {
        Snapshot before = everything();

        binaryEvent("createNamespace", "dry-1", "{\"name\": \"" + ns + "-new\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true));
        structuredEvent("createNamespace", "dry-2", "{\"name\": \"" + ns + "-new\", \"dryRun\": true}").statusCode(200)
                .body("data.dryRun", equalTo(true));
        binaryEvent("enableInjection", "dry-3", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true));
        structuredEvent("deleteNamespace", "dry-4", "{\"name\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("data.dryRun", equalTo(true));
        binaryEvent("deregisterCluster", "dry-5", "{\"name\": \"west\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true));

        assertEquals(before, everything(), "a dry run writes no ledger entry, label, ConfigMap, Secret or event");
        for (String id : List.of("dry-1", "dry-2", "dry-3", "dry-4", "dry-5")) {
            assertNull(cp().configMaps().inNamespace("meshns-system").withName(EventLedger.entryName("/look", id)).get(), id);
        }
    }

    private static ValidatableResponse binaryEvent(String function, String id, String data) {
        return given().contentType("application/json").header("ce-specversion", "1.0").header("ce-type", "meshns." + function)
                .header("ce-source", "/look").header("ce-id", id).body(data).when().post("/").then();
    }

    private static ValidatableResponse structuredEvent(String function, String id, String data) {
        return given().contentType("application/cloudevents+json").body("{\"specversion\": \"1.0\", \"type\": \"meshns."
                + function + "\", \"source\": \"/look\", \"id\": \"" + id + "\", \"datacontenttype\": \"application/json\", "
                + "\"data\": " + data + "}").when().post("/").then();
    }

    @Test
    void aRefusedChangeOfANamespaceMeshnsManagesLeavesItsStateAsItWas() {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        Snapshot before = everything();
        Map<String, String> versions = stateVersions();

        // This instance has seen no 9-99 injector: it reads the clusters first and refuses before the lock.
        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"9-99\"}", 409, "injector-missing");

        assertEquals(before, everything(), "no label, outcome, history entry, lock or Event");
        assertEquals(versions, stateVersions(), "not even the lock was written");
        assertEquals(1, call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath()
                .getList("history").size());
    }

    @Test
    void aRevisionNoClusterCanInjectIsRefusedAndChangesNothingUnlessForced() {
        Snapshot before = everything();
        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"9-99\"}", 409, "injector-missing")
                .body("message", containsString("\"9-99\"")).body("message", containsString("east, west"));
        fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"9-99\", \"dryRun\": true}", 409,
                "injector-missing");
        assertEquals(before, everything(), "a refused change changes nothing anywhere");

        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"9-99\", \"force\": true}").statusCode(200);
        assertEquals(Map.of("istio.io/rev", "9-99"), Mesh.labels(MeshServers.west.client(), ns));
    }

    @Test
    void onlyClustersThatHaveTheNamespaceAreChecked() {
        String only = ns + "-east";
        Mesh.createNamespace(cp(), only, Map.of());
        Mesh.createNamespace(MeshServers.east.client(), only, Map.of());
        // east has 1-24-0 (MeshServers), and west, which has no such namespace, is not asked to.
        MeshServers.west.client().admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName("istio-sidecar-injector-1-24-0").delete();
        try {
            call("enableInjection", "{\"namespace\": \"" + only + "\", \"revision\": \"1-24-0\"}").statusCode(200)
                    .body("clusters.find { it.cluster == 'west' }.outcome", equalTo("absent"));
            fails("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"1-24-0\"}", 409, "injector-missing")
                    .body("message", containsString("cluster west "));
        } finally {
            MeshServers.west.withInjectors("1-24-0");
        }
    }

    @Test
    void eachOutcomeSaysWhatToRestart() {
        pod(MeshServers.east, "web-7d9f-a", "ReplicaSet", "web-7d9f", "7d9f", false);
        pod(MeshServers.east, "web-7d9f-b", "ReplicaSet", "web-7d9f", "7d9f", false);
        pod(MeshServers.east, "db-0", "StatefulSet", "db", null, false);
        pod(MeshServers.east, "debug", null, null, null, true);
        pod(MeshServers.west, "debug", null, null, null, false);

        JsonPath enabled = call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals(3, enabled.getInt("clusters.find { it.cluster == 'east' }.restart.pods"), enabled.prettify());
        assertEquals(List.of("Deployment/web", "StatefulSet/db"),
                enabled.getList("clusters.find { it.cluster == 'east' }.restart.workloads"));
        assertEquals(List.of("Pod/debug"), enabled.getList("clusters.find { it.cluster == 'west' }.restart.workloads"));

        JsonPath disabled = call("disableInjection", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("Pod/debug"), disabled.getList("clusters.find { it.cluster == 'east' }.restart.workloads"));
        assertEquals(0, disabled.getInt("clusters.find { it.cluster == 'west' }.restart.pods"));
    }

    @Test
    void describeMeshShowsEachCellLiveAtOneListPerCluster() throws Exception {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        MeshServers.west.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "disabled");
            return n;
        });
        for (int i = 0; i < 30; i++) {
            Mesh.createNamespace(cp(), ns + "-many-" + i, Map.of("istio-injection", "enabled"));
        }
        pod(MeshServers.east, "web-1-a", "ReplicaSet", "web-1", "1", false);
        Requests.drain(MeshServers.east);
        Requests.drain(MeshServers.west);

        JsonPath mesh = call("describeMesh", "{\"pods\": true}").statusCode(200).extract().jsonPath();

        for (MockApiServer server : new MockApiServer[] { MeshServers.east, MeshServers.west }) {
            List<String> requests = Requests.drain(server);
            assertEquals(1, requests.stream().filter(r -> r.startsWith("GET /api/v1/namespaces") && !r.contains("/pods")).count(),
                    requests.toString());
            assertEquals(1, requests.stream().filter(r -> r.startsWith("GET /api/v1/pods")).count(), requests.toString());
            assertTrue(requests.stream().noneMatch(r -> !r.startsWith("GET ")), "describeMesh writes nothing: " + requests);
        }
        assertEquals(List.of("east", "west"), mesh.getList("clusters"));
        String row = "namespaces.find { it.name == '" + ns + "' }";
        assertEquals("enabled", mesh.getString(row + ".injection"));
        assertEquals("in-sync", mesh.getString(row + ".clusters.find { it.cluster == 'east' }.state"));
        assertEquals("drifted", mesh.getString(row + ".clusters.find { it.cluster == 'west' }.state"));
        assertEquals("disabled", mesh.getString(row + ".clusters.find { it.cluster == 'west' }.injection"));
        assertEquals("enabled", mesh.getString(row + ".clusters.find { it.cluster == 'west' }.wanted"));
        assertEquals(List.of("Deployment/web"), mesh.getList(row + ".clusters.find { it.cluster == 'east' }.restart.workloads"));
        assertEquals("absent", mesh.getString("namespaces.find { it.name == '" + ns + "-many-0' }.clusters[0].state"));

        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("namespaces.size()", equalTo(1))
                .body("namespaces[0].clusters[0].restart", nullValue());
        fails("describeMesh", "{\"namespace\": \"nowhere\"}", 404, "namespace-not-found");

        // A cluster's own setting (a rollout with "clusters") is what that cell should have.
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"canary\", \"clusters\": [\"west\"]}")
                .statusCode(200);
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("namespaces[0].clusters.find { it.cluster == 'west' }.wanted", equalTo("rev:canary"))
                .body("namespaces[0].clusters.find { it.cluster == 'west' }.state", equalTo("in-sync"))
                .body("namespaces[0].clusters.find { it.cluster == 'east' }.wanted", equalTo("enabled"));

        Mesh.register("stopped", "http://127.0.0.1:1");
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("namespaces[0].clusters.find { it.cluster == 'stopped' }.state", equalTo("unreachable"))
                .body("namespaces[0].clusters.find { it.cluster == 'stopped' }.message", containsString("unreachable"));
    }

    @Test
    void describeMeshWithPodsNamesEachClustersInjectorRevisionsAndAlwaysWhenReconcileLastRepaired() {
        var westWebhooks = MeshServers.west.client().admissionRegistration().v1().mutatingWebhookConfigurations();
        westWebhooks.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("istio-sidecar-injector-1-25-0")
                .addToLabels("istio.io/rev", "1-25-0").endMetadata().build()).create();
        // A tag is another name for an installed revision, not a revision of its own.
        westWebhooks.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("istio-revision-tag-stable")
                .addToLabels("istio.io/rev", "1-25-0").addToLabels("istio.io/tag", "stable").endMetadata().build()).create();
        Mesh.register("stopped", "http://127.0.0.1:1");
        try {
            JsonPath mesh = call("describeMesh", "{\"pods\": true}").statusCode(200).extract().jsonPath();
            assertEquals(Map.of("east", List.of("1-24-0", "canary", "default"), "west", List.of("1-24-0", "1-25-0", "canary",
                    "default")), mesh.getMap("injectors"), "a cluster that cannot be read is left out: " + mesh.prettify());
            call("describeMesh", "{}").statusCode(200).body("injectors", nullValue());
        } finally {
            westWebhooks.withName("istio-sidecar-injector-1-25-0").delete();
            westWebhooks.withName("istio-revision-tag-stable").delete();
        }

        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("lastRepair", nullValue());
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("lastRepair", nullValue());
        MeshServers.west.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "disabled");
            return n;
        });
        call("reconcile", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        String repaired = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath()
                .getString("history.find { it.change == 'Repaired' }.time");
        assertTrue(repaired != null && repaired.endsWith("Z"), repaired);
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("lastRepair", equalTo(repaired));
        // The newest repair of the whole mesh: this one, the last made.
        call("describeMesh", "{}").statusCode(200).body("lastRepair", equalTo(repaired));
    }

    @Test
    void describeMeshCallsACellDriftedOnlyWhereReconcileWouldChangeItAndUnmanagedWhereMeshnsManagesNothing() {
        // ns: made with kubectl and never changed through meshns; someone labels west's copy by hand.
        MeshServers.west.client().namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "enabled");
            return n;
        });
        // Managed by its control-plane label alone, with no state record.
        String labelled = ns + "-labelled";
        Mesh.createNamespace(cp(), labelled, Map.of("istio-injection", "enabled"));
        Mesh.createNamespace(MeshServers.west.client(), labelled, Map.of("istio-injection", "disabled"));
        // Managed by its state record alone: its labels were removed through meshns.
        String removed = ns + "-removed";
        Mesh.createNamespace(cp(), removed, Map.of());
        Mesh.createNamespace(MeshServers.west.client(), removed, Map.of());
        call("enableInjection", "{\"namespace\": \"" + removed + "\"}").statusCode(200);
        call("removeInjection", "{\"namespace\": \"" + removed + "\"}").statusCode(200);
        MeshServers.west.client().namespaces().withName(removed).edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "enabled");
            return n;
        });

        JsonPath mesh = call("describeMesh", "{}").statusCode(200).extract().jsonPath();

        String unmanagedRow = "namespaces.find { it.name == '" + ns + "' }";
        assertEquals("unmanaged", mesh.getString(unmanagedRow + ".clusters.find { it.cluster == 'west' }.state"));
        assertEquals(Boolean.FALSE, mesh.get(unmanagedRow + ".managed"));
        assertEquals("enabled", mesh.getString(unmanagedRow + ".clusters.find { it.cluster == 'west' }.injection"));
        assertEquals("unmanaged", mesh.getString(unmanagedRow + ".clusters.find { it.cluster == 'east' }.state"));
        for (String managed : List.of(labelled, removed)) {
            String row = "namespaces.find { it.name == '" + managed + "' }";
            assertEquals("drifted", mesh.getString(row + ".clusters.find { it.cluster == 'west' }.state"), managed);
            assertEquals(Boolean.TRUE, mesh.get(row + ".managed"), managed);
            assertEquals("absent", mesh.getString(row + ".clusters.find { it.cluster == 'east' }.state"), managed);
        }
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("namespaces[0].managed", equalTo(false))
                .body("namespaces[0].clusters.find { it.cluster == 'west' }.state", equalTo("unmanaged"));
        // Its pods are judged by the labels it has there, not by a wanted state meshns does not hold.
        pod(MeshServers.west, "debug", null, null, null, false);
        call("describeMesh", "{\"namespace\": \"" + ns + "\", \"pods\": true}").statusCode(200)
                .body("namespaces[0].clusters.find { it.cluster == 'west' }.restart.workloads", equalTo(List.of("Pod/debug")));

        // The same judgement as reconcile's: it would repair the drifted cells and leave the unmanaged one alone.
        JsonPath repair = call("reconcile", "{\"dryRun\": true}").statusCode(200).extract().jsonPath();
        assertNull(repair.get("results.find { it.namespace == '" + ns + "' }"), repair.prettify());
        for (String managed : List.of(labelled, removed)) {
            assertEquals("applied", repair.getString("results.find { it.namespace == '" + managed
                    + "' }.clusters.find { it.cluster == 'west' }.outcome"), managed);
        }
    }

    @Test
    void describeMeshShowsTheClustersRegisteredNowNotThoseItListedLast() throws Exception {
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        // Lists the registry: east and west are this instance's guess for the next describeMesh.
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("deregisterCluster", "{\"name\": \"west\"}").statusCode(200);
        Mesh.register("east-again", MeshServers.east.url());
        Requests.drain(MeshServers.east);
        Requests.drain(MeshServers.west);

        JsonPath mesh = call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();

        assertEquals(List.of("east", "east-again"), mesh.getList("clusters"));
        assertEquals(List.of("east", "east-again"), mesh.getList("namespaces[0].clusters.cluster"));
        assertEquals(List.of("in-sync", "in-sync"), mesh.getList("namespaces[0].clusters.state"));
        // Each registered cluster read once; the deregistered one at most read, never written.
        assertEquals(2, Requests.drain(MeshServers.east).stream().filter(r -> r.startsWith("GET /api/v1/namespaces")).count());
        assertTrue(Requests.drain(MeshServers.west).stream().allMatch(r -> r.startsWith("GET ")));
    }

    @Test
    void describeMeshReadsAClusterRegisteredAgainWithItsNewClientAtOnce() {
        // Lists the registry: west, with the client it has now, is this instance's guess for the next describeMesh.
        call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("deregisterCluster", "{\"name\": \"west\"}").statusCode(200);
        Mesh.register("west", MeshServers.west.url());

        long start = System.nanoTime();
        JsonPath mesh = call("describeMesh", "{\"namespace\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of("east", "west"), mesh.getList("namespaces[0].clusters.cluster"), mesh.prettify());
        assertFalse(mesh.getList("namespaces[0].clusters.state").contains("unreachable"), mesh.prettify());
        // The client deregistration closed is not tried until the fan-out timeout (2 s in tests).
        assertTrue(millis < 1500, "describeMesh took " + millis + " ms");
    }

    @Test
    void everyChangeIsAnEventAndTheLastTwentyAreInGetNamespace() {
        for (int i = 0; i < 11; i++) {
            call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
            call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        }
        call("enableInjection", "{\"namespace\": \"" + ns + "\", \"revision\": \"canary\"}").statusCode(200);

        JsonPath read = call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath();
        assertEquals(20, read.getList("history").size());
        assertEquals("InjectionEnabled", read.getString("history[0].change"));
        assertEquals("InjectionDisabled", read.getString("history[1].change"));
        assertEquals("anonymous", read.getString("history[0].by"));
        assertEquals(Map.of("east", "applied", "west", "applied"), read.getMap("history[0].clusters"));

        Events.settled();
        var events = cp().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> ns.equals(e.getInvolvedObject().getName())).toList();
        assertEquals(23, events.size());
        assertTrue(events.stream().anyMatch(e -> "InjectionEnabled".equals(e.getReason())
                && e.getMessage().contains("rev:canary") && e.getMessage().contains("by anonymous")
                && e.getMessage().contains("east=applied") && "Namespace".equals(e.getInvolvedObject().getKind())),
                events.toString());
    }

    @Test
    void historyIsBestEffortAFailedEventNeverFailsTheChange() {
        MeshServers.controlPlane.mock().expect().post().withPath("/api/v1/namespaces/default/events?fieldManager=meshns")
                .andReturn(500, "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":500}").times(6);
        // Both calls, each with fabric8's retries of a 5xx (three attempts), find the control plane refusing Events.
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        assertEquals(Map.of("istio-injection", "disabled"), Mesh.labels(MeshServers.east.client(), ns));
        assertEquals(2, call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200).extract().jsonPath()
                .getList("history").size());
        // The refused Events, sent after each answer, are over before the next test.
        Events.settled();
    }

    @Test
    void theLookCostsNoRoundTripOfItsOwnOneReadStepThenOnePatchPerCluster() throws Exception {
        call("disableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        Requests.drain(MeshServers.east);

        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);

        List<String> requests = Requests.drain(MeshServers.east);
        // The three reads go out at once (one round trip), then one patch: what v1 cost (a GET, then a PATCH).
        assertEquals(List.of("GET /api/v1/namespaces/" + ns, "GET /api/v1/namespaces/" + ns + "/pods",
                "GET /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", "PATCH /api/v1/namespaces/" + ns),
                requests.stream().sorted().toList());
    }
}
