package io.meshns.testing;

import static io.meshns.testing.Api.call;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.path.json.JsonPath;

/** Helpers to set up a mesh through the API and to read what it did in each cluster. */
public final class Mesh {

    private Mesh() {
    }

    public static void register(String name, String server) {
        call("registerCluster", "{\"name\": \"" + name + "\", \"server\": \"" + server + "\", \"token\": \"test-token\"}")
                .statusCode(200);
    }

    public static void deregisterAll() {
        JsonPath clusters = call("listClusters", "{}").statusCode(200).extract().jsonPath();
        for (String name : clusters.<String> getList("items.name")) {
            call("deregisterCluster", "{\"name\": \"" + name + "\"}").statusCode(200);
        }
    }

    public static void createNamespace(KubernetesClient client, String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .addToAnnotations("owner", "team-a").endMetadata().build()).create();
    }

    public static Map<String, String> labels(KubernetesClient client, String namespace) {
        var ns = client.namespaces().withName(namespace).get();
        return ns == null ? null : ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }

    /** Outcomes of a call's answer, as cluster -> outcome. */
    public static Map<String, String> outcomes(JsonPath answer) {
        Map<String, String> outcomes = new java.util.TreeMap<>();
        List<Map<String, Object>> clusters = answer.getList("clusters");
        for (Map<String, Object> outcome : clusters) {
            outcomes.put((String) outcome.get("cluster"), (String) outcome.get("outcome"));
        }
        return outcomes;
    }
}
