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

    /** Registers a cluster with labels, which cluster selectors (ring=canary) pick it by. */
    public static void register(String name, String server, Map<String, String> labels) {
        String json = labels.entrySet().stream().map(l -> "\"" + l.getKey() + "\": \"" + l.getValue() + "\"")
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
        call("registerCluster", "{\"name\": \"" + name + "\", \"server\": \"" + server
                + "\", \"token\": \"test-token\", \"labels\": " + json + "}").statusCode(200);
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

    /**
     * Every mix of Istio's three namespace keys a namespace can be found with (none, one, two or all
     * three), each beside an unrelated label team=a.
     */
    public static List<Map<String, String>> everyLabelMix() {
        List<Map<String, String>> mixes = new java.util.ArrayList<>();
        for (String injection : new String[] { null, "enabled", "disabled" }) {
            for (String revision : new String[] { null, "old" }) {
                for (String mode : new String[] { null, "ambient" }) {
                    Map<String, String> labels = new java.util.TreeMap<>(Map.of("team", "a"));
                    putIfNotNull(labels, "istio-injection", injection);
                    putIfNotNull(labels, "istio.io/rev", revision);
                    putIfNotNull(labels, "istio.io/dataplane-mode", mode);
                    mixes.add(labels);
                }
            }
        }
        return mixes;
    }

    private static void putIfNotNull(Map<String, String> labels, String key, String value) {
        if (value != null) {
            labels.put(key, value);
        }
    }
}
