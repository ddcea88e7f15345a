package io.meshns.real;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.RealMesh;

/**
 * The set-up of the real-API-server tests that call one function process as the control plane's
 * admin: the mesh deployed (once a run), the function started under the test class's name, and,
 * when the class is done, the function stopped with its log checked for credentials.
 */
abstract class FunctionCalledAsAdmin {

    static RealMesh mesh;
    static FunctionProcess function;
    static String admin;

    /** Called from the test class's own @BeforeAll; {@code name} names the function's log. */
    static void start(String name) throws Exception {
        mesh = RealMesh.deploy();
        function = mesh.startFunction(name, Map.of());
        admin = mesh.controlPlane().token("admin");
    }

    /** Runs after the test class's own @AfterAll methods. */
    @AfterAll
    static void stopFunction() throws Exception {
        if (function != null) {
            try {
                function.close();
                LogAssertions.assertNoSecret(function.log(), mesh.secrets());
            } finally {
                // Every test class shares these fields: the next one must not find this one's function.
                function = null;
            }
        }
    }

    static JsonNode ok(String name, String json) throws Exception {
        return function.ok(name, json, admin).body();
    }
}
