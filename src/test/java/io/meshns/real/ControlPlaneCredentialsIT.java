package io.meshns.real;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshns.testing.FunctionProcess;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * Each way docs/operations.md ("Pointing it at real clusters") gives the function its control-plane
 * credential works, and none of them
 * puts the credential in the log: fabric8's environment variables, a kubeconfig file, and the
 * Quarkus properties (whose start-up warning would print the token but for SecretRedaction).
 */
@RealKubernetes
class ControlPlaneCredentialsIT {

    private static RealMesh mesh;

    @BeforeAll
    static void deploy() throws Exception {
        mesh = RealMesh.deploy();
    }

    private static void worksAndKeepsTheSecret(String name, Map<String, String> environment) throws Exception {
        try (FunctionProcess function = mesh.startFunctionWith(name, environment)) {
            FunctionProcess.Answer answer = function.call("listNamespaces", "{}", mesh.controlPlane().token("admin"));
            assertEquals(200, answer.status(), answer.body().toString());
            function.close();
            LogAssertions.assertNoSecret(function.log(), mesh.secrets());
        }
    }

    @Test
    void fabric8EnvironmentVariables() throws Exception {
        worksAndKeepsTheSecret("credentials-env", Map.of(
                "KUBERNETES_MASTER", mesh.controlPlane().url(),
                "KUBERNETES_CERTS_CA_FILE", mesh.controlPlane().caFile().toString(),
                "KUBERNETES_AUTH_TOKEN", mesh.functionToken()));
    }

    @Test
    void aKubeconfigFile() throws Exception {
        Path kubeconfig = mesh.servers().workDir("credentials").resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mesh
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: meshns
                  user: {token: "%s"}
                contexts:
                - name: mesh
                  context: {cluster: mesh, user: meshns}
                current-context: mesh
                """.formatted(mesh.controlPlane().url(), mesh.controlPlane().caFile(), mesh.functionToken()));
        worksAndKeepsTheSecret("credentials-kubeconfig", Map.of("KUBECONFIG", kubeconfig.toString(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "true"));
    }

    @Test
    void quarkusPropertiesAsEnvironmentVariables() throws Exception {
        worksAndKeepsTheSecret("credentials-quarkus", Map.of(
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", mesh.controlPlane().url(),
                "QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", mesh.controlPlane().caFile().toString(),
                "QUARKUS_KUBERNETES_CLIENT_TOKEN", mesh.functionToken()));
    }
}
