package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.mesh.Injection;
import io.meshns.mock.MockApiServer;

/** The control plane's conditional label against a CRUD API server: it writes only over the copy it was given. */
class ControlPlaneTest {

    private final MockApiServer server = MockApiServer.start();
    private final ControlPlane controlPlane = new ControlPlane(server.client());

    @AfterEach
    void stop() {
        server.close();
    }

    private Namespace create(String name, Map<String, String> labels) {
        return server.client().namespaces()
                .resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build()).create();
    }

    private Map<String, String> labels(String name) {
        return server.client().namespaces().withName(name).get().getMetadata().getLabels();
    }

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(5));
    }

    @Test
    void aCurrentCopyIsLabelledWithOnePatch() {
        Namespace seen = create("shop", Map.of("istio.io/rev", "1-20"));

        Namespace labelled = controlPlane.labelIfUnchanged(seen, Injection.revision("1-21"), soon()).orElseThrow();

        assertEquals("1-21", labelled.getMetadata().getLabels().get("istio.io/rev"));
        assertEquals("1-21", labels("shop").get("istio.io/rev"));
        assertEquals(labelled.getMetadata().getResourceVersion(), controlPlane.lastKnown("shop").orElseThrow().getMetadata()
                .getResourceVersion());
    }

    @Test
    void aCopyChangedSinceIsNotWrittenOver() {
        Namespace seen = create("shop", Map.of("istio.io/rev", "1-20"));
        server.client().namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("istio-injection", "disabled").removeFromLabels("istio.io/rev").endMetadata().build());

        assertTrue(controlPlane.labelIfUnchanged(seen, Injection.revision("1-21"), soon()).isEmpty());

        assertEquals(Map.of("istio-injection", "disabled"), labels("shop"));
    }

    @Test
    void aNamespaceGoneSinceIsNotWritten() {
        Namespace seen = create("shop", Map.of("istio.io/rev", "1-20"));
        server.client().namespaces().withName("shop").delete();

        assertTrue(controlPlane.labelIfUnchanged(seen, Injection.revision("1-21"), soon()).isEmpty());
    }
}
