package io.meshns.testing;

import java.util.Map;

import io.meshns.mock.MockApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A control plane and two data planes as API servers on loopback, for tests that run the function
 * in-process (@QuarkusTest) or as the packaged artifact (@QuarkusIntegrationTest) alike.
 */
public class MeshServers implements QuarkusTestResourceLifecycleManager {

    public static MockApiServer controlPlane;
    public static MockApiServer east;
    public static MockApiServer west;

    @Override
    public Map<String, String> start() {
        controlPlane = MockApiServer.start();
        east = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        west = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        return Map.of("quarkus.kubernetes-client.api-server-url", controlPlane.url(),
                "meshns.allow-plaintext-clusters", "true",
                "meshns.auth.enabled", "false");
    }

    private static final java.util.concurrent.atomic.AtomicInteger NAMESPACES = new java.util.concurrent.atomic.AtomicInteger();

    /** A namespace of a name no test used before ({@code prefix}-N), made in the control plane, east and west alike. */
    public static String namespaceEverywhere(String prefix, Map<String, String> labels) {
        String name = prefix + "-" + NAMESPACES.incrementAndGet();
        for (MockApiServer server : java.util.List.of(controlPlane, east, west)) {
            Mesh.createNamespace(server.client(), name, labels);
        }
        return name;
    }

    @Override
    public void stop() {
        controlPlane.close();
        east.close();
        west.close();
    }
}
