package io.meshns.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import io.meshns.mock.MockApiServer;
import io.meshns.testing.Mesh;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;

/**
 * The mesh the mode, rollout and concurrency tests share: the test's control plane and two data planes, east
 * and west, with the injectors default, 1-24-0 and canary, started once per test class. Each test
 * registers them ({@link #registerEastAndWest()}) where its own set-up needs them; none stays
 * registered after it.
 */
abstract class EastAndWest {

    static MockApiServer east;
    static MockApiServer west;

    @KubernetesTestServer
    KubernetesServer controlPlane;

    @BeforeAll
    static void startDataPlanes() {
        east = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
        west = MockApiServer.start().withInjectors("default", "1-24-0", "canary");
    }

    @AfterAll
    static void stopDataPlanes() {
        east.close();
        west.close();
    }

    static void registerEastAndWest() {
        Mesh.register("east", east.url());
        Mesh.register("west", west.url());
    }

    @AfterEach
    void deregister() {
        Mesh.deregisterAll();
    }
}
