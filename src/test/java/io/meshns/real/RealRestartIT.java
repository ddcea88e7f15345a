package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;

/**
 * restartWorkloads on real kube-apiservers, with the agents' real RBAC: east's agent has the
 * optional rights of deploy/data-plane-agent-restart.yaml, west's has not. No controller runs
 * there, so each Deployment's ReplicaSet and pods are made by hand, with their ownerReferences.
 */
@RealKubernetes
class RealRestartIT extends FunctionCalledAsAdmin {

    private static final String NS = "rr-shop";

    @BeforeAll
    static void deploy() throws Exception {
        start("restart");
        for (HasMetadata object : FunctionYaml.objects(FunctionYaml.DATA_PLANE_AGENT_RESTART)) {
            mesh.east().admin().resource(object).createOr(NonDeletingOperation::update);
        }
        meshUnderTest.register("rr-east", "east");
        meshUnderTest.register("rr-west", "west");
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, NS, Map.of());
        }
        for (KubeApiServer dataPlane : List.of(mesh.east(), mesh.west())) {
            // The ServiceAccount admission plugin wants the account pods run as; no controller-manager makes it here.
            dataPlane.admin().serviceAccounts().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata().withName("default").endMetadata().build()).create();
            deploymentWithPods(dataPlane.admin(), "web", "5d8f7");
            bare(dataPlane.admin(), "debug");
        }
        ok("enableInjection", "{\"namespace\": \"" + NS + "\", \"force\": true}");
    }

    /** Before the function is stopped (FunctionCalledAsAdmin#stopFunction). */
    @AfterAll
    static void stop() throws Exception {
        if (function != null) {
            for (String cluster : List.of("rr-east", "rr-west")) {
                function.call("deregisterCluster", "{\"name\": \"" + cluster + "\"}", admin);
            }
        }
        if (mesh != null) {
            for (HasMetadata object : FunctionYaml.objects(FunctionYaml.DATA_PLANE_AGENT_RESTART)) {
                mesh.east().admin().resource(object).delete();
            }
        }
    }

    /** A Deployment, its ReplicaSet (as the controller-manager would name and own it) and one pod of it, without a sidecar. */
    private static void deploymentWithPods(KubernetesClient admin, String name, String hash) {
        var template = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("registry.example/app:1").endContainer().endSpec().build();
        Deployment deployment = admin.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template).endSpec().build()).create();
        ReplicaSet replicaSet = admin.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder().withNewMetadata()
                .withName(name + "-" + hash).addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                .withName(name).withUid(deployment.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels(Map.of("app", name, "pod-template-hash", hash))
                .endSelector().withNewTemplate().withNewMetadata().addToLabels(Map.of("app", name, "pod-template-hash", hash))
                .endMetadata().withSpec(template.getSpec()).endTemplate().endSpec().build()).create();
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name + "-" + hash + "-abcde")
                .addToLabels("app", name).addToLabels("pod-template-hash", hash).addNewOwnerReference()
                .withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet.getMetadata().getName())
                .withUid(replicaSet.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                // No controller-manager mounts a token for it, and no scheduler places it: it stays Pending.
                .withSpec(new PodBuilder().withNewSpec().withAutomountServiceAccountToken(false).endSpec().build().getSpec())
                .editSpec().addNewContainer().withName("app").withImage("registry.example/app:1").endContainer().endSpec()
                .build()).create();
    }

    private static void bare(KubernetesClient admin, String name) {
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withAutomountServiceAccountToken(false).addNewContainer().withName("app")
                .withImage("registry.example/app:1").endContainer().endSpec().build()).create();
    }

    private static Deployment web(KubeApiServer server) {
        return server.admin().apps().deployments().inNamespace(NS).withName("web").get();
    }

    /** The resourceVersion of every workload and pod of the namespace in both data planes. */
    private static Map<String, String> workloadVersions() {
        Map<String, String> versions = new TreeMap<>();
        for (KubeApiServer server : List.of(mesh.east(), mesh.west())) {
            List<HasMetadata> objects = new java.util.ArrayList<>();
            objects.addAll(server.admin().apps().deployments().inNamespace(NS).list().getItems());
            objects.addAll(server.admin().apps().replicaSets().inNamespace(NS).list().getItems());
            objects.addAll(server.admin().pods().inNamespace(NS).list().getItems());
            objects.forEach(o -> versions.put(server.name() + " " + o.getKind() + "/" + o.getMetadata().getName(),
                    o.getMetadata().getResourceVersion()));
        }
        return versions;
    }

    @Test
    void aDryRunChangesNothingThenTheRestartAnnotatesTheTemplateWhereTheAgentMay() throws Exception {
        Map<String, String> before = workloadVersions();
        long generation = web(mesh.east()).getMetadata().getGeneration();

        JsonNode preview = ok("restartWorkloads", "{\"namespace\": \"" + NS + "\", \"dryRun\": true}");

        assertTrue(preview.path("dryRun").asBoolean(), preview.toString());
        JsonNode eastPreview = Answers.outcome(preview, "rr-east");
        assertEquals("applied", eastPreview.path("outcome").asText(), preview.toString());
        assertEquals("[\"Deployment/web\"]", eastPreview.path("restarted").toString());
        assertEquals("failed", Answers.outcome(preview, "rr-west").path("outcome").asText(), preview.toString());
        assertEquals(before, workloadVersions(), "a dry run changes no resourceVersion");

        JsonNode answer = ok("restartWorkloads", "{\"namespace\": \"" + NS + "\"}");

        JsonNode east = Answers.outcome(answer, "rr-east");
        assertEquals("applied", east.path("outcome").asText(), answer.toString());
        assertEquals("[\"Deployment/web\"]", east.path("restarted").toString());
        assertEquals("Pod/debug", east.path("skipped").get(0).path("workload").asText(), answer.toString());
        Deployment restarted = web(mesh.east());
        assertNotNull(restarted.getSpec().getTemplate().getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"));
        assertEquals(generation + 1, restarted.getMetadata().getGeneration(), "a new rollout");
        assertTrue(restarted.getMetadata().getManagedFields().stream().anyMatch(f -> "meshns".equals(f.getManager())),
                restarted.getMetadata().getManagedFields().toString());
        assertEquals(2, mesh.east().admin().pods().inNamespace(NS).list().getItems().size(), "no pod deleted");

        // West's agent lacks the optional rights: refused by its RBAC, named in the message.
        JsonNode west = Answers.outcome(answer, "rr-west");
        assertEquals("failed", west.path("outcome").asText(), answer.toString());
        assertTrue(west.path("message").asText().contains("patch deployments.apps"), west.toString());
        var template = web(mesh.west()).getSpec().getTemplate().getMetadata().getAnnotations();
        assertNull(template == null ? null : template.get("kubectl.kubernetes.io/restartedAt"));

        JsonNode history = ok("getNamespace", "{\"name\": \"" + NS + "\"}").path("history");
        assertEquals("WorkloadsRestarted", history.get(0).path("change").asText(), history.toString());
    }
}
