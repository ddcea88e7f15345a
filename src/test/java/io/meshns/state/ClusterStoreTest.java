package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.meshns.error.MeshException;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Requests;
import io.meshns.testing.TestConfig;

/** The cluster store against a CRUD API server: each cluster a ConfigMap with its record and a Secret with its credentials. */
class ClusterStoreTest {

    private static final String TOKEN = "s3cret-token";

    private final MockApiServer controlPlane = MockApiServer.start();
    private final TestConfig config = TestConfig.withFanoutTimeout(Duration.ofSeconds(2));
    private final ClusterStore store = new ClusterStore(controlPlane.client(), new StateNamespace(controlPlane.client(), config));

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    private static Map<String, String> token(String token) {
        return Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static ClusterRecord record(String name, String server) {
        return new ClusterRecord(name, server, Map.of("region", name), Instant.parse("2026-01-01T00:00:00Z"));
    }

    private ConfigMap configMap(String name) {
        return controlPlane.client().configMaps().inNamespace("meshns-system").withName("cluster-" + name).get();
    }

    private Secret secret(String name) {
        return controlPlane.client().secrets().inNamespace("meshns-system").withName("cluster-" + name).get();
    }

    @Test
    void aClusterIsStoredAsAConfigMapWithoutCredentialsAndASecretWithThem() {
        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));

        ConfigMap cm = configMap("east");
        Secret secret = secret("east");
        Map<String, String> labels = Map.of(ClusterStore.CLUSTER_LABEL, "east", StateNamespace.MANAGED_BY, "meshns");
        assertEquals(labels, cm.getMetadata().getLabels());
        assertEquals(labels, secret.getMetadata().getLabels());
        assertEquals(token(TOKEN), secret.getData());
        String configMapText = cm.getData().toString();
        assertFalse(configMapText.contains(TOKEN) || configMapText.contains(token(TOKEN).get("token")), configMapText);
        assertEquals(record("east", "https://east.example:6443"), StateCodec.decodeCluster("east", cm.getData()));
        assertEquals(record("east", "https://east.example:6443"), store.storedCluster("east").orElseThrow().record());
        assertEquals(token(TOKEN), store.storedCluster("east").orElseThrow().secret().getData());
    }

    @Test
    void aClusterRegisteredTwiceIsAConflictAndKeepsItsFirstRecord() {
        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));
        MeshException twice = assertThrows(MeshException.class,
                () -> store.createCluster(record("east", "https://other.example:6443"), token("other")));
        assertEquals(409, twice.status());
        assertEquals("cluster-exists", twice.code());
        assertEquals("https://east.example:6443", store.clusters().get(0).server());
        assertEquals(token(TOKEN), secret("east").getData());
    }

    @Test
    void clustersAndTheirSecretsAreListedByName() {
        store.createCluster(record("west", "https://west.example:6443"), token("w"));
        store.createCluster(record("east", "https://east.example:6443"), token("e"));

        assertEquals(List.of("east", "west"), store.clusters().stream().map(ClusterRecord::name).toList());
        List<ClusterStore.RegisteredCluster> registered = store.registeredClusters();
        assertEquals(configMap("east").getMetadata().getResourceVersion(), registered.get(0).version());
        Map<String, Secret> secrets = store.clusterSecrets();
        assertEquals(token("e"), secrets.get("east").getData());
        assertEquals(token("w"), secrets.get("west").getData());
    }

    /**
     * New credentials are written first, then the ConfigMap naming the Secret's version: so the
     * ConfigMap changes whenever the credentials do, which tells every instance to read them again.
     */
    @Test
    void anUpdateWithNewCredentialsReplacesTheSecretAndNamesItsVersionInTheConfigMap() {
        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));
        String before = configMap("east").getMetadata().getResourceVersion();

        ClusterRecord written = store.updateCluster("east",
                r -> new ClusterRecord(r.name(), "https://moved.example:6443", r.labels(), r.registered()), token("rotated"));

        assertEquals("https://moved.example:6443", written.server());
        assertEquals(token("rotated"), secret("east").getData());
        ConfigMap cm = configMap("east");
        assertFalse(before.equals(cm.getMetadata().getResourceVersion()));
        assertEquals(secret("east").getMetadata().getResourceVersion(), cm.getData().get(ClusterStore.SECRET_VERSION));
        assertEquals(written, StateCodec.decodeCluster("east", cm.getData()));

        // Without new credentials the Secret and the version named stay as they are.
        String secretVersion = secret("east").getMetadata().getResourceVersion();
        store.updateCluster("east", r -> new ClusterRecord(r.name(), r.server(), Map.of("tier", "gold"), r.registered()), null);
        assertEquals(secretVersion, configMap("east").getData().get(ClusterStore.SECRET_VERSION));
        assertEquals(token("rotated"), secret("east").getData());
        assertEquals(Map.of("tier", "gold"), store.clusters().get(0).labels());
    }

    @Test
    void anUpdateOfAClusterNotRegisteredIsNotFoundAndLeavesNoCredentialsBehind() {
        MeshException missing = assertThrows(MeshException.class, () -> store.updateCluster("ghost", r -> r, token(TOKEN)));
        assertEquals(404, missing.status());
        assertEquals("cluster-not-found", missing.code());
        assertNull(secret("ghost"));
        assertNull(configMap("ghost"));
    }

    @Test
    void deleteRemovesBothTheConfigMapAndTheSecret() {
        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));
        store.createCluster(record("west", "https://west.example:6443"), token("w"));

        assertTrue(store.deleteCluster("east"));

        assertNull(configMap("east"));
        assertNull(secret("east"));
        assertTrue(store.clusterConfigMap("east").isEmpty());
        assertEquals(List.of("west"), store.clusters().stream().map(ClusterRecord::name).toList());
        assertFalse(store.deleteCluster("east"), "nothing left to delete");
    }

    @Test
    void aClusterRegisteredSinceATimeIsFoundOnlyAfterThatTime() {
        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));
        Instant created = Instant.parse(configMap("east").getMetadata().getCreationTimestamp());

        assertEquals("east", store.clusterRegisteredSince("east", created).orElseThrow().name());
        assertTrue(store.clusterRegisteredSince("east", created.plusSeconds(1)).isEmpty());
        assertTrue(store.clusterRegisteredSince("west", created).isEmpty());
    }

    @Test
    void dryRunsStoreNothing() throws InterruptedException {
        store.createClusterDryRun(record("east", "https://east.example:6443"), token(TOKEN));
        assertNull(controlPlane.client().namespaces().withName("meshns-system").get(),
                "a dry run creates no state namespace");
        Requests.drain(controlPlane);

        store.createCluster(record("east", "https://east.example:6443"), token(TOKEN));
        store.createClusterDryRun(record("west", "https://west.example:6443"), token("w"));
        store.updateClusterDryRun(record("east", "https://moved.example:6443"), token("rotated"));

        assertNull(configMap("west"));
        assertNull(secret("west"));
        assertEquals("https://east.example:6443", store.clusters().get(0).server());
        assertEquals(token(TOKEN), secret("east").getData());
        MeshException exists = assertThrows(MeshException.class,
                () -> store.createClusterDryRun(record("east", "https://east.example:6443"), token(TOKEN)));
        assertEquals(409, exists.status());
        MeshException missing = assertThrows(MeshException.class,
                () -> store.updateClusterDryRun(record("ghost", "https://ghost.example:6443"), null));
        assertEquals(404, missing.status());
    }
}
