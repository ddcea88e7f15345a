package io.meshns.real;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.Events;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealMesh;
import io.meshns.testing.real.RealMeshUnderTest;

/**
 * The set-up of the real-API-server tests that call one function process as the control plane's
 * admin, over {@link RealMeshUnderTest}: the mesh deployed (once a run), the function started under
 * the test class's name, and, when the class is done, the function stopped with its log checked for
 * credentials. {@link #mesh}, {@link #function} and {@link #admin} are that fixture's parts.
 */
abstract class FunctionCalledAsAdmin {

    static RealMeshUnderTest meshUnderTest;
    static RealMesh mesh;
    static FunctionProcess function;
    static String admin;

    /** Called from the test class's own @BeforeAll; {@code name} names the function's log. */
    static void start(String name) throws Exception {
        start(name, Map.of());
    }

    /** As {@link #start(String)}, the function given {@code settings} (environment variables). */
    static void start(String name, Map<String, String> settings) throws Exception {
        meshUnderTest = RealMeshUnderTest.start(name, settings);
        mesh = meshUnderTest.deployment();
        function = meshUnderTest.function();
        admin = meshUnderTest.adminToken();
    }

    /** Runs after the test class's own @AfterAll methods. */
    @AfterAll
    static void stopFunction() throws Exception {
        if (meshUnderTest != null) {
            try {
                meshUnderTest.close();
                LogAssertions.assertNoSecret(function.log(), mesh.secrets());
            } finally {
                // Every test class shares these fields: the next one must not find this one's function.
                meshUnderTest = null;
                function = null;
            }
        }
    }

    static JsonNode ok(String name, String json) throws Exception {
        return meshUnderTest.ok(name, json);
    }

    /** The resourceVersion of every object meshns could touch, in every server: a write of any kind shows. */
    static Map<String, String> versions() {
        // The Events of the calls before, sent after their answers, are part of "before".
        Events.settledIn(mesh.controlPlane().admin(), java.time.Duration.ofMillis(300));
        Map<String, String> versions = new TreeMap<>();
        for (KubeApiServer server : mesh.servers().all()) {
            KubernetesClient c = server.admin();
            List<HasMetadata> objects = new ArrayList<>();
            objects.addAll(c.namespaces().list().getItems());
            objects.addAll(c.configMaps().inAnyNamespace().list().getItems());
            objects.addAll(c.secrets().inAnyNamespace().list().getItems());
            objects.addAll(c.v1().events().inAnyNamespace().list().getItems());
            objects.addAll(c.pods().inAnyNamespace().list().getItems());
            objects.addAll(c.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems());
            objects.forEach(o -> versions.put(server.name() + " " + o.getKind() + " " + o.getMetadata().getNamespace() + "/"
                    + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        }
        return versions;
    }
}
