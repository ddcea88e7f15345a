package io.meshns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * Every Kubernetes object a cluster admin applies (function.yaml to the control plane, deploy/*.yaml
 * to each data plane) is accepted by a real kube-apiserver: each is sent as a server-side apply with
 * dryRun=All, so the server decodes, validates and admits it, and stores nothing. The Knative kinds
 * are not served by a bare kube-apiserver; FunctionYamlTest checks them by structure.
 */
@RealKubernetes
class DeployManifestsIT {

    /** The groups of the Knative kinds in function.yaml (Service, Broker, Trigger, PingSource). */
    private static final Set<String> KNATIVE_GROUPS = Set.of("serving.knative.dev", "eventing.knative.dev",
            "sources.knative.dev");

    private static RealMesh mesh;

    @BeforeAll
    static void deploy() throws Exception {
        // The namespaces the objects go into must exist (a dry run makes none), and the shared servers
        // are deployed to once: after this, the dry runs apply over the real objects.
        mesh = RealMesh.deploy();
    }

    @Test
    void theControlPlaneAcceptsEveryCoreObjectOfFunctionYaml() {
        List<HasMetadata> objects = FunctionYaml.objects();
        List<HasMetadata> core = objects.stream().filter(o -> !KNATIVE_GROUPS.contains(group(o))).toList();
        Set<String> skipped = new TreeSet<>();
        objects.stream().filter(o -> KNATIVE_GROUPS.contains(group(o))).forEach(o -> skipped.add(o.getKind()));
        assertEquals(Set.of("Broker", "PingSource", "Service", "Trigger"), skipped);
        assertEquals(List.of(), refused(mesh.controlPlane(), core));
    }

    @Test
    void aDataPlaneAcceptsEveryObjectOfDeploy() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("deploy"))) {
            files = listed.filter(f -> f.toString().endsWith(".yaml")).toList();
        }
        assertEquals(Set.of(FunctionYaml.DATA_PLANE_AGENT, FunctionYaml.DATA_PLANE_AGENT_RESTART), Set.copyOf(files));
        for (Path file : files) {
            List<HasMetadata> objects = FunctionYaml.objects(file);
            assertTrue(objects.stream().noneMatch(o -> KNATIVE_GROUPS.contains(group(o))), file.toString());
            assertEquals(List.of(), refused(mesh.east(), objects), file.toString());
        }
    }

    /** What makes the two tests above mean something: the dry run refuses an object the server would. */
    @Test
    void aBrokenObjectIsRefused() {
        ClusterRoleBinding agent = (ClusterRoleBinding) FunctionYaml.objects(FunctionYaml.DATA_PLANE_AGENT).stream()
                .filter(o -> o.getKind().equals("ClusterRoleBinding")).findFirst().orElseThrow();
        ClusterRoleBinding nameless = new ClusterRoleBindingBuilder(agent).editMetadata().withName("meshns-agent-broken")
                .endMetadata().editRoleRef().withName(null).endRoleRef().build();
        KubernetesClientException refused = assertThrows(KubernetesClientException.class,
                () -> mesh.east().admin().resource(nameless).dryRun().serverSideApply());
        assertEquals(422, refused.getCode(), refused.getMessage());
        assertTrue(refused.getMessage().contains("roleRef.name"), refused.getMessage());
        assertEquals(null, mesh.east().admin().rbac().clusterRoleBindings().withName("meshns-agent-broken").get());
    }

    /** Each object the server refuses, with its answer; dry runs only. */
    private static List<String> refused(KubeApiServer server, List<HasMetadata> objects) {
        KubernetesClient admin = server.admin();
        List<String> refused = new ArrayList<>();
        for (HasMetadata object : objects) {
            try {
                admin.resource(object).dryRun().serverSideApply();
            } catch (KubernetesClientException e) {
                refused.add(object.getKind() + " " + object.getMetadata().getName() + ": " + e.getCode() + " " + e.getMessage());
            }
        }
        return refused;
    }

    private static String group(HasMetadata object) {
        String apiVersion = object.getApiVersion();
        return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    }
}
