package io.meshns.gcf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.cloud.functions.Context;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;

import io.quarkus.funqy.gcp.functions.FunqyBackgroundFunction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The functions built for Google Cloud Functions (-Dbinding=gcf), invoked through the binding's
 * entry point as the platform does for a Pub/Sub-triggered background function.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(PubSubTriggerTest.ExportTrigger.class)
class PubSubTriggerTest {

    public static class ExportTrigger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "meshnsEvent");
        }
    }

    @KubernetesTestServer
    KubernetesServer controlPlane;

    private static void publish(String data) throws Exception {
        String base64 = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
        new FunqyBackgroundFunction().accept("{\"data\": \"" + base64 + "\", \"messageId\": \"1\"}", new TestContext());
    }

    @Test
    void aMessageCreatesANamespaceInTheControlPlane() throws Exception {
        publish("{\"function\": \"createNamespace\", \"input\": {\"name\": \"gcf-shop\", \"labels\": {\"team\": \"a\"}}}");

        var namespace = controlPlane.getClient().namespaces().withName("gcf-shop").get();
        assertNotNull(namespace);
        assertEquals("a", namespace.getMetadata().getLabels().get("team"));
    }

    @Test
    void aMessageMovesANamespaceToAmbientInTheControlPlaneAndTheDataPlanes() throws Exception {
        try (MockApiServer east = MockApiServer.start()) {
            for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client() }) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("gcf-ambient")
                        .addToLabels("istio.io/rev", "old").addToLabels("team", "a").endMetadata().build()).create();
            }
            publish("{\"function\": \"registerCluster\", \"input\": {\"name\": \"east\", \"server\": \"" + east.url()
                    + "\", \"token\": \"t\"}}");

            publish("{\"function\": \"enableAmbient\", \"input\": {\"namespace\": \"gcf-ambient\"}}");

            for (KubernetesClient client : new KubernetesClient[] { controlPlane.getClient(), east.client() }) {
                assertEquals(Map.of("istio.io/dataplane-mode", "ambient", "team", "a"),
                        client.namespaces().withName("gcf-ambient").get().getMetadata().getLabels());
            }
            publish("{\"function\": \"deregisterCluster\", \"input\": {\"name\": \"east\"}}");
        }
    }

    @Test
    void aMessageDescribesRevisionsAndAnUnknownClusterFailsIt() throws Exception {
        publish("{\"function\": \"describeRevisions\", \"input\": {}}");
        Exception failure = assertThrows(Exception.class,
                () -> publish("{\"function\": \"describeRevisions\", \"input\": {\"clusters\": [\"nowhere\"]}}"));
        assertTrue(String.valueOf(failure.getMessage()).contains("not registered")
                || String.valueOf(failure.getCause()).contains("not registered"), failure.toString());
    }

    @Test
    void aDryRunRunsTheSameChecksAndDescribeMeshAnswers() throws Exception {
        // The test server of this binding knows no dryRun=All (it would store), so the dry run here is
        // one that its own checks refuse: the namespace exists.
        controlPlane.getClient().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("gcf-dry")
                .endMetadata().build()).create();
        Exception exists = assertThrows(Exception.class,
                () -> publish("{\"function\": \"createNamespace\", \"input\": {\"name\": \"gcf-dry\", \"dryRun\": true}}"));
        assertTrue(String.valueOf(exists.getMessage()).contains("already exists")
                || String.valueOf(exists.getCause()).contains("already exists"), exists.toString());

        publish("{\"function\": \"describeMesh\", \"input\": {\"pods\": true}}");
        Exception failure = assertThrows(Exception.class,
                () -> publish("{\"function\": \"describeMesh\", \"input\": {\"namespace\": \"nowhere\"}}"));
        assertTrue(String.valueOf(failure.getMessage()).contains("does not exist")
                || String.valueOf(failure.getCause()).contains("does not exist"), failure.toString());
    }

    @Test
    void aMistakeFailsTheInvocationWithItsMessageAndChangesNothing() {
        Exception failure = assertThrows(Exception.class,
                () -> publish("{\"function\": \"createNamespace\", \"input\": {\"name\": \"Not_Valid\"}}"));
        assertTrue(String.valueOf(failure.getMessage()).contains("RFC 1123")
                || String.valueOf(failure.getCause()).contains("RFC 1123"), failure.toString());
        assertNull(controlPlane.getClient().namespaces().withName("Not_Valid").get());
        assertThrows(Exception.class, () -> publish("{\"function\": \"noSuch\", \"input\": {}}"));
    }

    static class TestContext implements Context {
        public String eventId() {
            return "1";
        }

        public String timestamp() {
            return "2026-01-01T00:00:00Z";
        }

        public String eventType() {
            return "google.pubsub.topic.publish";
        }

        public String resource() {
            return "projects/p/topics/meshns";
        }
    }
}
