package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Requests;
import io.meshns.testing.TestConfig;

/** The state namespace against a CRUD API server: created when first needed, once, and labelled as meshns'. */
class StateNamespaceTest {

    private final MockApiServer controlPlane = MockApiServer.start();
    private final StateNamespace stateNamespace = new StateNamespace(controlPlane.client(),
            TestConfig.withFanoutTimeout(Duration.ofSeconds(2)));

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    private Namespace namespace() {
        return controlPlane.client().namespaces().withName("meshns-system").get();
    }

    @Test
    void itIsCreatedOnceLabelledAsMeshns() throws InterruptedException {
        assertFalse(stateNamespace.exists());

        stateNamespace.ensureExists();

        assertEquals(Map.of(StateNamespace.MANAGED_BY, "meshns"), namespace().getMetadata().getLabels());
        assertTrue(stateNamespace.exists());
        Requests.drain(controlPlane);
        stateNamespace.ensureExists();
        assertEquals(List.of(), Requests.drain(controlPlane), "seen once, never asked for again");
    }

    @Test
    void oneThatExistsIsLeftAsItIs() throws InterruptedException {
        controlPlane.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("meshns-system")
                .addToLabels("team", "platform").endMetadata().build()).create();
        Requests.drain(controlPlane);

        stateNamespace.ensureExists();

        assertEquals(List.of("GET /api/v1/namespaces/meshns-system"), Requests.drain(controlPlane));
        assertEquals(Map.of("team", "platform"), namespace().getMetadata().getLabels());
    }

    @Test
    void everyObjectInItCarriesItsLabelsAndTheManagedByLabel() {
        ObjectMeta meta = stateNamespace.metadata("namespace-shop", Map.of(NamespaceStates.NAMESPACE_LABEL, "shop"));

        assertEquals("namespace-shop", meta.getName());
        assertEquals("meshns-system", meta.getNamespace());
        assertEquals(Map.of(NamespaceStates.NAMESPACE_LABEL, "shop", StateNamespace.MANAGED_BY, "meshns"), meta.getLabels());
    }
}
