package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Mesh.createNamespace;
import static io.meshns.testing.Mesh.labels;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.EastAndWest;
import io.meshns.testing.Mesh;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;

/**
 * The four modes (sidecar injection enabled, by revision, disabled, removed, and ambient) from every
 * mix of Istio's three namespace labels, read back from the control plane and each data plane.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ModesTest extends EastAndWest {

    @BeforeEach
    void register() {
        registerEastAndWest();
    }

    /** Each call from each mix of labels ends with its mode's key alone; the other labels stay. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "enableInjection|{}|istio-injection=enabled",
            "enableInjection|{\"revision\": \"canary\"}|istio.io/rev=canary",
            "disableInjection|{}|istio-injection=disabled",
            "removeInjection|{}|",
            "enableAmbient|{}|istio.io/dataplane-mode=ambient" })
    void everyMixOfLabelsEndsInTheCallsModeEverywhere(String function, String extra, String modeLabel) {
        Map<String, String> mode = modeLabel == null ? Map.of() : Map.of(modeLabel.split("=")[0], modeLabel.split("=")[1]);
        List<Map<String, String>> mixes = Mesh.everyLabelMix();
        for (int i = 0; i < mixes.size(); i++) {
            String ns = mesh.freshNamespace("mix");
            Map<String, String> mix = mixes.get(i);
            createNamespace(controlPlane.getClient(), ns, mix);
            createNamespace(east.client(), ns, mix);
            createNamespace(west.client(), ns, with(without(mix, "team"), Map.of("app", "w")));
            String body = extra.replace("{", "{\"namespace\": \"" + ns + "\"" + (extra.equals("{}") ? "" : ", "));

            JsonPath answer = mesh.call(function, body);

            String was = mix.toString();
            String outcome = with(Map.of("team", "a"), mode).equals(mix) ? "unchanged" : "applied";
            assertEquals(Map.of("east", outcome, "west", outcome), mesh.outcomes(answer), was);
            assertEquals(with(Map.of("team", "a"), mode), labels(controlPlane.getClient(), ns), was);
            assertEquals(with(Map.of("team", "a"), mode), labels(east.client(), ns), was);
            assertEquals(with(Map.of("app", "w"), mode), labels(west.client(), ns), was);
            assertEquals("team-a", east.client().namespaces().withName(ns).get().getMetadata().getAnnotations().get("owner"));
        }
    }

    @Test
    void enableAmbientAnswersWithTheAmbientModeAndLeavesClustersWithoutTheNamespaceAlone() {
        String ns = mesh.freshNamespace("amb");
        createNamespace(controlPlane.getClient(), ns, Map.of("istio-injection", "enabled"));
        createNamespace(east.client(), ns, Map.of("istio.io/rev", "old", "team", "x"));

        JsonPath answer = call("enableAmbient", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("name", equalTo(ns))
                .body("injection", equalTo("ambient"))
                .body("revision", nullValue())
                .body("labels.'istio.io/dataplane-mode'", equalTo("ambient"))
                .body("labels.istio-injection", nullValue())
                .extract().jsonPath();

        assertEquals(Map.of("east", "applied", "west", "absent"), mesh.outcomes(answer));
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient", "team", "x"), labels(east.client(), ns));
        assertNull(labels(west.client(), ns), "nothing is created in a cluster without the namespace");
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("injection", equalTo("ambient"))
                .body("clusters.find { it.cluster == 'east' }.wanted", equalTo("ambient"));
        assertEquals("ambient", controlPlane.getClient().configMaps().inNamespace("meshns-system")
                .withName("namespace-" + ns).get().getData().get("desired"));

        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200).body("injection", equalTo("enabled"));
        assertEquals(Map.of("istio-injection", "enabled", "team", "x"), labels(east.client(), ns));
    }

    @Test
    void aControlPlaneNamespaceMadeAmbientWithKubectlIsManagedLikeOneMadeByEnableAmbient() {
        String ns = mesh.freshNamespace("amb");
        createNamespace(controlPlane.getClient(), ns, Map.of());
        createNamespace(east.client(), ns, Map.of("istio-injection", "enabled", "keep", "me"));
        createNamespace(west.client(), ns, Map.of("istio.io/dataplane-mode", "ambient"));
        controlPlane.getClient().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio.io/dataplane-mode", "ambient").endMetadata().build());

        JsonPath report = mesh.call("reconcile", "{\"namespace\": \"" + ns + "\"}");

        assertEquals("applied", report.getString("results[0].clusters.find { it.cluster == 'east' }.outcome"));
        assertEquals("unchanged", report.getString("results[0].clusters.find { it.cluster == 'west' }.outcome"));
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient", "keep", "me"), labels(east.client(), ns));

        // A sidecar label added by hand to an ambient namespace is drift.
        west.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("istio.io/rev", "rogue").endMetadata().build());
        call("reconcile", "{}").statusCode(200);
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(west.client(), ns));
    }

    @Test
    void aClusterRegisteredLaterGetsAmbientAtOnce() {
        String ns = mesh.freshNamespace("amb");
        createNamespace(controlPlane.getClient(), ns, Map.of());
        call("enableAmbient", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
        try (MockApiServer late = MockApiServer.start().withInjectors("default", "1-24-0", "canary")) {
            createNamespace(late.client(), ns, Map.of("istio-injection", "enabled"));

            call("registerCluster", "{\"name\": \"late\", \"server\": \"" + late.url() + "\", \"token\": \"t\"}")
                    .statusCode(200)
                    .body("resync", equalTo("done"))
                    .body("namespaces.find { it.namespace == '" + ns + "' }.outcome", equalTo("applied"));

            assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), labels(late.client(), ns));
        }
    }

    private static Map<String, String> with(Map<String, String> labels, Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(labels);
        all.putAll(more);
        return all;
    }

    private static Map<String, String> without(Map<String, String> labels, String key) {
        Map<String, String> rest = new TreeMap<>(labels);
        rest.remove(key);
        return rest;
    }
}
