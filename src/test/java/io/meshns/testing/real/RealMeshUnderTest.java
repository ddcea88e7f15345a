package io.meshns.testing.real;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.MeshUnderTest;
import io.restassured.path.json.JsonPath;

/**
 * The mesh over real kube-apiservers: {@link RealMesh} deployed (once a run), one packaged function
 * started for the test class, and every call made as the control plane's admin. Data planes are
 * registered over TLS with their agent token. {@link #close()} stops the function; its log is then
 * the caller's to check.
 */
public final class RealMeshUnderTest implements MeshUnderTest, AutoCloseable {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final RealMesh deployment;
    private final FunctionProcess function;
    private final String admin;

    private RealMeshUnderTest(RealMesh deployment, FunctionProcess function, String admin) {
        this.deployment = deployment;
        this.function = function;
        this.admin = admin;
    }

    /** Deploys the mesh if no test did yet and starts a function; {@code name} names its log. */
    public static RealMeshUnderTest start(String name, Map<String, String> settings) throws Exception {
        RealMesh deployment = RealMesh.deploy();
        FunctionProcess function = deployment.startFunction(name, settings);
        return new RealMeshUnderTest(deployment, function, deployment.controlPlane().token("admin"));
    }

    /** The API servers, tokens and registrations of the deployed mesh. */
    public RealMesh deployment() {
        return deployment;
    }

    public FunctionProcess function() {
        return function;
    }

    /** The control plane's admin token, which every call here carries. */
    public String adminToken() {
        return admin;
    }

    /** The data plane {@code name} (east, west). */
    public KubeApiServer server(String name) {
        return switch (name) {
            case "east" -> deployment.east();
            case "west" -> deployment.west();
            default -> throw new IllegalArgumentException("no data plane " + name);
        };
    }

    @Override
    public KubernetesClient controlPlane() {
        return deployment.controlPlane().admin();
    }

    @Override
    public KubernetesClient cluster(String name) {
        return server(name).admin();
    }

    @Override
    public void register(String name, String dataPlane) {
        ok("registerCluster", deployment.registration(name, server(dataPlane)));
    }

    @Override
    public void deregisterAll() {
        for (JsonNode cluster : ok("listClusters", "{}").path("items")) {
            ok("deregisterCluster", "{\"name\": \"" + cluster.path("name").asText() + "\"}");
        }
    }

    @Override
    public String freshNamespace(String prefix) {
        return prefix + "-" + NAMESPACES.incrementAndGet();
    }

    @Override
    public JsonPath call(String function, String json) {
        return JsonPath.from(ok(function, json).toString());
    }

    /** Calls {@code function} as the admin, expects 200, and returns the answer as the real tier's tests read it. */
    public JsonNode ok(String name, String json) {
        try {
            return function.ok(name, json, admin).body();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(name + " could not be called", e);
        }
    }

    /** Stops the function. */
    @Override
    public void close() throws InterruptedException {
        function.close();
    }
}
