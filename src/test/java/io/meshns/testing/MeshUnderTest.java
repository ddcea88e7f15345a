package io.meshns.testing;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.path.json.JsonPath;

/**
 * A mesh a test drives through meshns: a control plane, data planes known by name (east and west on
 * every tier), and meshns called as a user with every right would call it. {@link MockMeshUnderTest}
 * is one over fabric8's CRUD API servers with meshns in the test JVM; {@code RealMeshUnderTest} one
 * over real kube-apiservers with the packaged function.
 */
public interface MeshUnderTest {

    /** A client of the control plane with every right, for set-up and for reading what meshns did. */
    KubernetesClient controlPlane();

    /** A client with every right of the data plane {@code name} (east, west). */
    KubernetesClient cluster(String name);

    /** Registers the data plane {@code dataPlane} with meshns under the cluster name {@code name}. */
    void register(String name, String dataPlane);

    /** Registers the data plane {@code name} under its own name. */
    default void register(String name) {
        register(name, name);
    }

    /** Deregisters every registered cluster. */
    void deregisterAll();

    /** A namespace name no test of this run used before: {@code prefix}-N. */
    String freshNamespace(String prefix);

    /** Calls {@code function} with {@code json}, expects 200, and returns the answer. */
    JsonPath call(String function, String json);

    /** The outcomes of a change's answer as cluster -> outcome. */
    default Map<String, String> outcomes(JsonPath answer) {
        return Outcomes.of(answer);
    }

    /** The outcomes for {@code namespace} in an answer with results (reconcile, migrateRevision). */
    default Map<String, String> outcomes(JsonPath answer, String namespace) {
        return Outcomes.of(answer, namespace);
    }
}
