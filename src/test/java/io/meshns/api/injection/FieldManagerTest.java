package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Requests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every write meshns sends, to the control plane and to each data plane, names meshns as its field
 * manager: namespaces created and labelled, state and cluster ConfigMaps, credentials Secrets,
 * Events. (That managedFields then name meshns is checked against a real API server by RealJourneyIT.)
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class FieldManagerTest {

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
    }

    private static List<String> writes(List<String> requests) {
        return requests.stream().filter(r -> r.startsWith("POST ") || r.startsWith("PUT ") || r.startsWith("PATCH ")).toList();
    }

    @Test
    void everyWriteToEveryClusterNamesMeshnsAsItsFieldManager() throws Exception {
        String ns = MeshServers.namespaceEverywhere("fm", Map.of("team", "a"));
        for (MockApiServer server : List.of(MeshServers.controlPlane, MeshServers.east, MeshServers.west)) {
            Requests.drainAsSent(server.mock());
        }

        call("registerCluster", "{\"name\": \"east\", \"server\": \"" + MeshServers.east.url() + "\", \"token\": \"t\"}")
                .statusCode(200);
        call("registerCluster", "{\"name\": \"west\", \"server\": \"" + MeshServers.west.url() + "\", \"token\": \"t\"}")
                .statusCode(200);
        call("updateCluster", "{\"name\": \"west\", \"labels\": {\"ring\": \"canary\"}}").statusCode(200);
        call("createNamespace", "{\"name\": \"" + ns + "-new\"}").statusCode(200);
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("disableInjection", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=canary\"}").statusCode(200);
        List<String> sentToEast = new ArrayList<>(Requests.drainAsSent(MeshServers.east.mock()));
        // A hand edit in east, for reconcile to repair.
        MeshServers.east.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio-injection", "disabled").endMetadata().build());
        Requests.drainAsSent(MeshServers.east.mock());
        call("reconcile", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        call("deleteNamespace", "{\"name\": \"" + ns + "-new\"}").statusCode(200);
        io.meshns.testing.Events.settledIn(MeshServers.controlPlane.client(), java.time.Duration.ofMillis(300));

        List<String> sentToControlPlane = Requests.drainAsSent(MeshServers.controlPlane.mock());
        sentToEast.addAll(Requests.drainAsSent(MeshServers.east.mock()));
        List<String> sentToWest = Requests.drainAsSent(MeshServers.west.mock());

        List<String> controlPlaneWrites = writes(sentToControlPlane);
        for (String kind : List.of("POST /api/v1/namespaces?", "PATCH /api/v1/namespaces/" + ns + "?",
                "/configmaps", "POST /api/v1/namespaces/meshns-system/secrets", "/events")) {
            assertTrue(controlPlaneWrites.stream().anyMatch(w -> w.contains(kind)), kind + " among " + controlPlaneWrites);
        }
        assertEquals(2, writes(sentToEast).size(), "the enable and the repair: " + sentToEast);
        assertEquals(2, writes(sentToWest).size(), "the enable and the disable: " + sentToWest);
        for (List<String> writes : List.of(controlPlaneWrites, writes(sentToEast), writes(sentToWest))) {
            for (String write : writes) {
                assertTrue(write.matches(".*[?&]fieldManager=meshns(&.*)?$"), write);
            }
        }
    }
}
