package io.meshns.real;

import static io.meshns.real.RevisionAnswers.inUse;
import static io.meshns.real.RevisionAnswers.texts;
import static io.meshns.real.RevisionAnswers.use;
import static io.meshns.testing.real.RealMesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * describeRevisions on real kube-apiservers, read with the data-plane agent's own rights: real
 * MutatingWebhookConfigurations as Istio labels its injectors and tags, namespaces selecting
 * revisions by label, tag and istio-injection, and (Pending) pods of each kind of proxy.
 */
@RealKubernetes
class RealRevisionsIT extends FunctionCalledAsAdmin {

    private final List<Runnable> cleanUps = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        start("revisions");
    }

    @AfterEach
    void cleanUp() throws Exception {
        cleanUps.forEach(Runnable::run);
        cleanUps.clear();
        Answers.deregisterAll(function, admin);
    }

    private void injector(KubeApiServer server, String revision, String tag) {
        String name = RealMesh.installInjector(server, revision, tag);
        cleanUps.add(() -> server.admin().admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete());
    }

    private static void pod(KubeApiServer server, String ns, String name, Map<String, String> labels,
            Map<String, String> annotations, boolean proxy) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
                .withAnnotations(annotations).endMetadata().withNewSpec()
                // No controller-manager mounts a token for it, and no scheduler places it: it stays Pending.
                .withAutomountServiceAccountToken(false)
                .addNewContainer().withName("app").withImage("registry.example/app:1").endContainer().endSpec();
        if (proxy) {
            pod.editSpec().addNewContainer().withName("istio-proxy").withImage("istio/proxyv2:1.25.0").endContainer().endSpec();
        }
        server.admin().pods().inNamespace(ns).resource(pod.build()).create();
    }

    private static void namespaceWithPods(KubeApiServer server, String ns, Map<String, String> labels) {
        createNamespace(server, ns, labels);
        server.admin().serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("default").endMetadata().build()).create();
    }

    /** One field of each item of an array, in order. */
    private static List<String> fields(JsonNode items, String field) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(item.path(field).asText()));
        return values;
    }

    @Test
    void revisionsTagsNamespacesAndPodsOfRealClusters() throws Exception {
        ok("registerCluster", mesh.registration("r-east", mesh.east()));
        ok("registerCluster", mesh.registration("r-west", mesh.west()));
        // What other tests left of revision default in east, before this one adds a bare proxy there.
        int defaultPodsBefore = use(ok("describeRevisions", "{}"), "default", "r-east").path("pods").asInt();

        // east is mid-upgrade: 8-1 behind the tag default, 8-2 behind the tag prod8.
        injector(mesh.east(), "8-1", null);
        injector(mesh.east(), "8-2", null);
        injector(mesh.east(), "8-1", "default");
        injector(mesh.east(), "8-2", "prod8");
        namespaceWithPods(mesh.east(), "rv-rev", Map.of("istio.io/rev", "8-2"));
        createNamespace(mesh.east(), "rv-tag", Map.of("istio.io/rev", "prod8"));
        namespaceWithPods(mesh.east(), "rv-inj", Map.of("istio-injection", "enabled", "istio.io/rev", "8-2"));
        createNamespace(mesh.east(), "rv-off", Map.of("istio-injection", "disabled", "istio.io/rev", "8-2"));
        pod(mesh.east(), "rv-rev", "labelled", Map.of("istio.io/rev", "8-2"), Map.of(), true);
        pod(mesh.east(), "rv-rev", "no-proxy", Map.of("istio.io/rev", "8-2"), Map.of(), false);
        pod(mesh.east(), "rv-inj", "annotated", Map.of(),
                Map.of("sidecar.istio.io/status", "{\"containers\":[\"istio-proxy\"],\"revision\":\"8-1\"}"), true);
        pod(mesh.east(), "rv-inj", "bare", Map.of(), Map.of(), true);
        // west: 8-9 installed and used by nothing; 8-0 named by a namespace only.
        injector(mesh.west(), "8-9", null);
        createNamespace(mesh.west(), "rv-west", Map.of("istio.io/rev", "8-0"));
        Map<String, String> before = versions();

        JsonNode answer = ok("describeRevisions", "{}");

        assertEquals(before, versions(), "describeRevisions changes no object anywhere");
        assertEquals(0, answer.path("unreachable").size(), answer.toString());
        List<String> revisions = fields(answer.path("revisions"), "revision");
        assertEquals(revisions.stream().sorted().toList(), revisions, "sorted by name");
        assertTrue(revisions.containsAll(List.of("8-0", "8-1", "8-2", "8-9", "default")), revisions.toString());

        JsonNode east81 = use(answer, "8-1", "r-east");
        assertEquals(true, east81.path("installed").asBoolean());
        assertEquals(List.of("default"), texts(east81.path("tags")));
        assertTrue(texts(east81.path("namespaces")).contains("rv-inj"), east81.toString());
        assertEquals(1, east81.path("pods").asInt(), east81.toString());
        JsonNode east82 = use(answer, "8-2", "r-east");
        assertEquals(List.of("prod8"), texts(east82.path("tags")));
        assertEquals(List.of("rv-rev", "rv-tag"), texts(east82.path("namespaces")));
        assertEquals(1, east82.path("pods").asInt(), east82.toString());
        assertEquals(defaultPodsBefore + 1, use(answer, "default", "r-east").path("pods").asInt());
        assertEquals(false, use(answer, "8-2", "r-west").path("installed").asBoolean());

        assertEquals(true, use(answer, "8-9", "r-west").path("installed").asBoolean());
        assertEquals(false, inUse(answer, "8-9"));
        JsonNode named = use(answer, "8-0", "r-west");
        assertEquals(false, named.path("installed").asBoolean());
        assertEquals(List.of("rv-west"), texts(named.path("namespaces")));
        assertEquals(true, inUse(answer, "8-0"));
        assertEquals(List.of("r-east", "r-west"), fields(answer.path("revisions").get(0).path("clusters"), "cluster"));

        // An agent that may not list pods there: that cluster is unreachable to this call, which still answers.
        ok("deregisterCluster", "{\"name\": \"r-west\"}");
        ok("registerCluster", mesh.registrationWith("r-west", mesh.west(), mesh.west().caCert(), mesh.namespaceOnlyToken(mesh.west())));
        JsonNode partial = ok("describeRevisions", "{}");
        assertEquals("r-west", partial.path("unreachable").get(0).path("cluster").asText(), partial.toString());
        assertTrue(partial.path("unreachable").get(0).path("message").asText().contains("403"), partial.toString());
        assertEquals(1, use(partial, "8-2", "r-east").path("pods").asInt());
    }
}
