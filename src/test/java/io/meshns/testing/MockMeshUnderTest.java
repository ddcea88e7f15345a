package io.meshns.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.restassured.path.json.JsonPath;

/**
 * The mesh over fabric8's CRUD API servers: the test's control plane (the one meshns in the test JVM
 * is configured with) and data planes each a {@link MockApiServer}, registered with the test token;
 * meshns is called over HTTP.
 */
public final class MockMeshUnderTest implements MeshUnderTest {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final KubernetesClient controlPlane;
    private final Map<String, MockApiServer> dataPlanes;

    public MockMeshUnderTest(KubernetesClient controlPlane, Map<String, MockApiServer> dataPlanes) {
        this.controlPlane = controlPlane;
        this.dataPlanes = new LinkedHashMap<>(dataPlanes);
    }

    /** A data plane with the injectors of the revisions the tests use (default, 1-24-0, canary). */
    public static MockApiServer startDataPlane() {
        return MockApiServer.start().withInjectors("default", "1-24-0", "canary");
    }

    @Override
    public KubernetesClient controlPlane() {
        return controlPlane;
    }

    @Override
    public KubernetesClient cluster(String name) {
        return server(name).client();
    }

    /** The API server of the data plane {@code name}. */
    public MockApiServer server(String name) {
        MockApiServer server = dataPlanes.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no data plane " + name + " in " + dataPlanes.keySet());
        }
        return server;
    }

    @Override
    public void register(String name, String dataPlane) {
        Mesh.register(name, server(dataPlane).url());
    }

    @Override
    public void deregisterAll() {
        Mesh.deregisterAll();
    }

    @Override
    public String freshNamespace(String prefix) {
        return prefix + "-" + NAMESPACES.incrementAndGet();
    }

    @Override
    public JsonPath call(String function, String json) {
        return Api.call(function, json).statusCode(200).extract().jsonPath();
    }
}
