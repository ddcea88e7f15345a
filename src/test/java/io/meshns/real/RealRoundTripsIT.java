package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * What saves round trips, against real kube-apiservers: the label patch conditional on the
 * resourceVersion this instance remembers (a real server refuses a stale one), and reconcile's
 * paged LIST of each data plane (a real server honours limit and continue).
 */
@RealKubernetes
class RealRoundTripsIT extends FunctionCalledAsAdmin {

    @BeforeAll
    static void deploy() throws Exception {
        // Two namespaces a page: every data plane here takes several pages.
        start("round-trips", Map.of("MESHNS_LIST_PAGE_SIZE", "2"));
        meshUnderTest.register("t-east", "east");
    }

    /** Before the function is stopped (FunctionCalledAsAdmin#stopFunction). */
    @AfterAll
    static void deregister() throws Exception {
        if (function != null) {
            function.call("deregisterCluster", "{\"name\": \"t-east\"}", admin);
        }
    }

    @Test
    void aNamespaceLabelledByHandSinceThisInstanceLastSawItIsReadAgainNotOverwritten() throws Exception {
        String ns = "t-hand";
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
        }
        ok("enableInjection", "{\"namespace\": \"" + ns + "\"}");
        mesh.controlPlane().admin().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio.io/rev", "canary").addToLabels("owner", "b").endMetadata().build());

        JsonNode answer = ok("disableInjection", "{\"namespace\": \"" + ns + "\"}");

        Map<String, String> wanted = Map.of("istio-injection", "disabled", "owner", "b");
        assertEquals(wanted, labels(mesh.controlPlane(), ns));
        assertEquals("disabled", answer.path("injection").asText());
        assertEquals(Map.of("istio-injection", "disabled"), labels(mesh.east(), ns));
    }

    @Test
    void reconcileReadsEveryPageOfADataPlane() throws Exception {
        List<String> names = List.of("t-page-a", "t-page-b", "t-page-c", "t-page-d", "t-page-e", "t-page-f", "t-page-g");
        for (String ns : names) {
            createNamespace(mesh.controlPlane(), ns, Map.of("istio-injection", "enabled"));
            createNamespace(mesh.east(), ns, Map.of("team", "a"));
        }

        JsonNode report = ok("reconcile", "{}");

        Map<String, String> outcomes = new TreeMap<>();
        report.path("results").forEach(r -> {
            if (names.contains(r.path("namespace").asText())) {
                outcomes.put(r.path("namespace").asText(), r.path("clusters").get(0).path("outcome").asText());
            }
        });
        Map<String, String> allApplied = new TreeMap<>();
        names.forEach(ns -> allApplied.put(ns, "applied"));
        assertEquals(allApplied, outcomes);
        for (String ns : names) {
            assertEquals(Map.of("team", "a", "istio-injection", "enabled"), labels(mesh.east(), ns), ns);
        }
    }
}
