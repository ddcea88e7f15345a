package io.meshns.testing;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.meshns.mock.MockApiServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;

/**
 * The mesh the mock tier's injection, rollout, migration and concurrency tests share, as a
 * {@link MeshUnderTest}: the test's control plane and two data planes, east and west, with the
 * injectors default, 1-24-0 and canary, started once per test class. Each test registers them
 * ({@link #registerEastAndWest()}) where its own set-up needs them; none stays registered after it.
 * Subclasses are {@code @QuarkusTest @WithKubernetesTestServer(crud = true)}.
 */
public abstract class EastAndWest {

    protected static MockApiServer east;
    protected static MockApiServer west;

    @KubernetesTestServer
    protected KubernetesServer controlPlane;

    /** The mesh of this test: set before each test's own set-up. */
    protected MockMeshUnderTest mesh;

    @BeforeAll
    static void startDataPlanes() {
        east = MockMeshUnderTest.startDataPlane();
        west = MockMeshUnderTest.startDataPlane();
    }

    @AfterAll
    static void stopDataPlanes() {
        east.close();
        west.close();
    }

    @BeforeEach
    void meshOfThisTest() {
        mesh = new MockMeshUnderTest(controlPlane.getClient(), Map.of("east", east, "west", west));
    }

    protected void registerEastAndWest() {
        mesh.register("east");
        mesh.register("west");
    }

    @AfterEach
    void deregister() {
        mesh.deregisterAll();
    }
}
