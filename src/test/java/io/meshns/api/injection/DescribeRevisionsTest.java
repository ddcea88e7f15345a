package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * describeRevisions over HTTP and as a CloudEvent, against two CRUD data planes and one that cannot
 * be reached: revisions, tags, the namespaces and pods using each, read live and written nowhere.
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class DescribeRevisionsTest {

    private MockApiServer upgrading;
    private MockApiServer legacy;

    @BeforeEach
    void fleet() {
        // One cluster mid-upgrade: 1-24 (tag default) and 1-25 (tag prod); pages of a few items, as an API server sends.
        upgrading = MockApiServer.start().withPagedLists();
        KubernetesClient up = upgrading.client();
        webhook(up, "istio-sidecar-injector-1-24", Map.of("istio.io/rev", "1-24"));
        webhook(up, "istio-sidecar-injector-1-25", Map.of("istio.io/rev", "1-25"));
        webhook(up, "istio-revision-tag-default", Map.of("istio.io/tag", "default", "istio.io/rev", "1-24"));
        webhook(up, "istio-revision-tag-prod", Map.of("istio.io/tag", "prod", "istio.io/rev", "1-25"));
        webhook(up, "cert-manager-webhook", Map.of("app", "cert-manager"));
        Mesh.createNamespace(up, "by-rev", Map.of("istio.io/rev", "1-25"));
        Mesh.createNamespace(up, "by-tag", Map.of("istio.io/rev", "prod"));
        Mesh.createNamespace(up, "by-injection", Map.of("istio-injection", "enabled"));
        Mesh.createNamespace(up, "injection-wins", Map.of("istio-injection", "enabled", "istio.io/rev", "1-25"));
        Mesh.createNamespace(up, "opted-out", Map.of("istio-injection", "disabled", "istio.io/rev", "1-25"));
        Mesh.createNamespace(up, "stale", Map.of("istio.io/rev", "1-22"));
        pod(up, "by-rev", "labelled", Map.of("istio.io/rev", "1-25"), Map.of(), "app", "istio-proxy");
        pod(up, "by-injection", "annotated", Map.of(),
                Map.of("sidecar.istio.io/status", "{\"containers\":[\"istio-proxy\"],\"revision\":\"1-24\"}"), "app", "istio-proxy");
        pod(up, "by-injection", "bare", Map.of(), Map.of(), "app", "istio-proxy");
        pod(up, "by-injection", "no-proxy", Map.of("istio.io/rev", "1-24"), Map.of(), "app");
        pod(up, "istio-system", "istiod-1-25", Map.of("istio.io/rev", "1-25"), Map.of(), "discovery");
        // One cluster still on the classic injector, and nothing there uses it.
        legacy = MockApiServer.start().withInjectors("default");
        Mesh.createNamespace(legacy.client(), "plain", Map.of());

        Mesh.register("upgrading", upgrading.url());
        Mesh.register("legacy", legacy.url());
        MockApiServer gone = MockApiServer.start();
        String goneUrl = gone.url();
        gone.close();
        Mesh.register("gone", goneUrl);
    }

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
        upgrading.close();
        legacy.close();
    }

    private static void webhook(KubernetesClient client, String name, Map<String, String> labels) {
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
    }

    private static void pod(KubernetesClient client, String namespace, String name, Map<String, String> labels,
            Map<String, String> annotations, String... containers) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withAnnotations(annotations).endMetadata().withNewSpec().endSpec();
        for (String container : containers) {
            pod.editSpec().addNewContainer().withName(container).withImage("example").endContainer().endSpec();
        }
        client.pods().inNamespace(namespace).resource(pod.build()).create();
    }

    /** Every object's resourceVersion in every API server: a write of any kind shows. */
    private Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        Map<String, KubernetesClient> servers = Map.of("cp", MeshServers.controlPlane.client(), "upgrading", upgrading.client(),
                "legacy", legacy.client());
        servers.forEach((server, client) -> {
            List<HasMetadata> all = new java.util.ArrayList<>();
            all.addAll(client.namespaces().list().getItems());
            all.addAll(client.pods().inAnyNamespace().list().getItems());
            all.addAll(client.configMaps().inAnyNamespace().list().getItems());
            all.addAll(client.secrets().inAnyNamespace().list().getItems());
            all.addAll(client.v1().events().inAnyNamespace().list().getItems());
            all.addAll(client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems());
            all.forEach(o -> versions.put(server + " " + o.getKind() + " " + o.getMetadata().getNamespace() + "/"
                    + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        });
        return versions;
    }

    /** A revision's entry for a cluster, as {installed, tags, namespaces, pods}. */
    private static Map<String, Object> use(JsonPath answer, String revision, String cluster) {
        return answer.getMap("revisions.find { it.revision == '" + revision + "' }.clusters.find { it.cluster == '" + cluster + "' }");
    }

    private static Map<String, Object> use(boolean installed, List<String> tags, List<String> namespaces, int pods, String cluster) {
        return Map.of("cluster", cluster, "installed", installed, "tags", tags, "namespaces", namespaces, "pods", pods);
    }

    @Test
    void everyRevisionWithItsTagsNamespacesAndPodsPerClusterAndTheUnreachableOneApart() {
        Map<String, String> before = versions();

        JsonPath answer = call("describeRevisions", "{}").statusCode(200).extract().jsonPath();

        assertEquals(List.of("1-22", "1-24", "1-25", "default"), answer.getList("revisions.revision"));
        assertEquals(List.of(true, true, true, true), answer.getList("revisions.inUse"));
        assertEquals(List.of("legacy", "upgrading"), answer.getList("revisions[0].clusters.cluster"));
        // The tag default makes istio-injection=enabled mean 1-24; istio-injection wins over istio.io/rev.
        assertEquals(use(true, List.of("default"), List.of("by-injection", "injection-wins"), 1, "upgrading"),
                use(answer, "1-24", "upgrading"));
        assertEquals(use(true, List.of("prod"), List.of("by-rev", "by-tag"), 1, "upgrading"), use(answer, "1-25", "upgrading"));
        // Named only by a namespace's label.
        assertEquals(use(false, List.of(), List.of("stale"), 0, "upgrading"), use(answer, "1-22", "upgrading"));
        // A bare istio-proxy container is revision default's; the classic injector installs default in legacy.
        assertEquals(use(false, List.of(), List.of(), 1, "upgrading"), use(answer, "default", "upgrading"));
        assertEquals(use(true, List.of(), List.of(), 0, "legacy"), use(answer, "default", "legacy"));
        assertEquals(use(false, List.of(), List.of(), 0, "legacy"), use(answer, "1-24", "legacy"));

        assertEquals(List.of("gone"), answer.getList("unreachable.cluster"));
        assertEquals(true, answer.getString("unreachable[0].message").contains("unreachable"), answer.prettyPrint());
        assertEquals(before, versions(), "describeRevisions writes nothing anywhere");
    }

    @Test
    void anInstalledRevisionNothingUsesIsNotInUse() {
        call("deregisterCluster", "{\"name\": \"upgrading\"}").statusCode(200);
        call("describeRevisions", "{}").statusCode(200)
                .body("revisions.revision", org.hamcrest.Matchers.equalTo(List.of("default")))
                .body("revisions[0].inUse", org.hamcrest.Matchers.equalTo(false))
                .body("revisions[0].clusters.cluster", org.hamcrest.Matchers.equalTo(List.of("legacy")));
    }

    @Test
    void namedClustersAloneAreReadAndAnUnknownOrEmptyListIsRefused() {
        call("describeRevisions", "{\"clusters\": [\"legacy\"]}").statusCode(200)
                .body("revisions.revision", org.hamcrest.Matchers.equalTo(List.of("default")))
                .body("unreachable", org.hamcrest.Matchers.empty());
        fails("describeRevisions", "{\"clusters\": [\"legacy\", \"nowhere\"]}", 404, "cluster-not-found")
                .body("message", containsString("nowhere"));
        fails("describeRevisions", "{\"clusters\": []}", 400, "empty-clusters");
        fails("describeRevisions", "{\"clusters\": \"legacy\"}", 400, "wrong-type");
        fails("describeRevisions", "{\"revision\": \"1-24\"}", 400, "unknown-field");
    }

    @Test
    void aCloudEventDescribesTheRevisions() {
        given().contentType("application/json").header("ce-specversion", "1.0").header("ce-type", "meshns.describeRevisions")
                .header("ce-source", "/tests").header("ce-id", "revisions-" + System.nanoTime())
                .body("{\"clusters\": [\"upgrading\"]}").when().post("/").then().statusCode(200)
                .header("ce-type", "meshns.describeRevisions.result")
                .body("revisions.revision", org.hamcrest.Matchers.equalTo(List.of("1-22", "1-24", "1-25", "default")));
    }
}
