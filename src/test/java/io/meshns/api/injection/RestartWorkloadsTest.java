package io.meshns.api.injection;

import static io.meshns.testing.Api.call;
import static io.meshns.testing.Api.fails;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Events;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * restartWorkloads over HTTP against CRUD API servers: what restart impact names is restarted as
 * kubectl rollout restart does it (Deployments through their ReplicaSets' pods, StatefulSets,
 * DaemonSets), bare pods and Jobs' pods are skipped with why, and a dry run writes nothing.
 * (RealRestartIT does the same against real API servers and their RBAC.)
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class RestartWorkloadsTest {

    private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    private String ns;

    private static KubernetesClient east() {
        return MeshServers.east.client();
    }

    @BeforeEach
    void mesh() {
        ns = MeshServers.namespaceEverywhere("restart", Map.of());
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
        call("enableInjection", "{\"namespace\": \"" + ns + "\"}").statusCode(200);
    }

    @AfterEach
    void clean() {
        Mesh.deregisterAll();
    }

    private static PodTemplateSpec template(String app) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("app:1").endContainer().endSpec().build();
    }

    /** A pod of {@code ownerKind/owner} (none: a bare pod), with or without a sidecar. */
    private void pod(MockApiServer server, String name, String ownerKind, String owner, String hash, boolean proxy) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                .addNewContainer().withName("app").endContainer().endSpec();
        if (owner != null) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(owner)
                    .withUid(owner + "-uid").withController(true).endOwnerReference().endMetadata();
        }
        if (hash != null) {
            pod.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        if (proxy) {
            pod.editSpec().addNewContainer().withName("istio-proxy").endContainer().endSpec();
        }
        server.client().pods().inNamespace(ns).resource(pod.build()).create();
    }

    /** In east: web (a Deployment), db, agent, a bare pod and a Job's pod without a sidecar; ok with one. */
    private void eastWorkloads() {
        for (String name : List.of("web", "ok")) {
            east().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                    .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withTemplate(template(name)).endSpec().build()).create();
        }
        east().apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder().withNewMetadata().withName("db")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withTemplate(template("db")).endSpec().build()).create();
        east().apps().daemonSets().inNamespace(ns).resource(new DaemonSetBuilder().withNewMetadata().withName("agent")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
                .withTemplate(template("agent")).endSpec().build()).create();
        pod(MeshServers.east, "web-5d8f7-abcde", "ReplicaSet", "web-5d8f7", "5d8f7", false);
        pod(MeshServers.east, "web-5d8f7-fghij", "ReplicaSet", "web-5d8f7", "5d8f7", false);
        pod(MeshServers.east, "ok-77c4d-klmno", "ReplicaSet", "ok-77c4d", "77c4d", true);
        pod(MeshServers.east, "db-0", "StatefulSet", "db", null, false);
        pod(MeshServers.east, "agent-x2k9p", "DaemonSet", "agent", null, false);
        pod(MeshServers.east, "debug", null, null, null, false);
        pod(MeshServers.east, "migrate-8xq2z", "Job", "migrate", null, false);
    }

    /** Every workload of east's namespace and pod, by kind/name, with its resourceVersion. */
    private Map<String, String> eastVersions() {
        Map<String, String> versions = new TreeMap<>();
        List<HasMetadata> all = new java.util.ArrayList<>();
        all.addAll(east().apps().deployments().inNamespace(ns).list().getItems());
        all.addAll(east().apps().statefulSets().inNamespace(ns).list().getItems());
        all.addAll(east().apps().daemonSets().inNamespace(ns).list().getItems());
        all.addAll(east().pods().inNamespace(ns).list().getItems());
        all.forEach(o -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return versions;
    }

    private String restartedAt(HasMetadata workload) {
        PodTemplateSpec template = workload instanceof io.fabric8.kubernetes.api.model.apps.Deployment d ? d.getSpec().getTemplate()
                : workload instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s ? s.getSpec().getTemplate()
                        : ((io.fabric8.kubernetes.api.model.apps.DaemonSet) workload).getSpec().getTemplate();
        Map<String, String> annotations = template.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(RESTARTED_AT);
    }

    @Test
    void theWorkloadsRestartImpactNamesAreRestartedAndPodsNeverDeleted() {
        eastWorkloads();
        Instant before = Instant.now().minusSeconds(1);

        JsonPath answer = call("restartWorkloads", "{\"namespace\": \"" + ns + "\"}").statusCode(200)
                .body("namespace", equalTo(ns))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("dryRun")))
                .extract().jsonPath();

        assertEquals(List.of("east", "west"), answer.getList("clusters.cluster"));
        assertEquals("applied", answer.getString("clusters[0].outcome"));
        assertEquals(List.of("DaemonSet/agent", "Deployment/web", "StatefulSet/db"), answer.getList("clusters[0].restarted"));
        assertEquals(List.of("Job/migrate", "Pod/debug"), answer.getList("clusters[0].skipped.workload"));
        assertTrue(answer.getString("clusters[0].skipped[0].reason").contains("Job"), answer.prettify());
        assertTrue(answer.getString("clusters[0].skipped[1].reason").contains("never deletes pods"), answer.prettify());
        assertEquals("unchanged", answer.getString("clusters[1].outcome"), "west has nothing to restart");
        assertEquals(List.of(), answer.getList("clusters[1].restarted"));

        for (HasMetadata restarted : List.<HasMetadata> of(east().apps().deployments().inNamespace(ns).withName("web").get(),
                east().apps().statefulSets().inNamespace(ns).withName("db").get(),
                east().apps().daemonSets().inNamespace(ns).withName("agent").get())) {
            String at = restartedAt(restarted);
            assertNotNull(at, restarted.getMetadata().getName());
            assertTrue(!Instant.parse(at).isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), at);
        }
        assertNull(restartedAt(east().apps().deployments().inNamespace(ns).withName("ok").get()), "ok's pods match");
        assertEquals(7, east().pods().inNamespace(ns).list().getItems().size(), "no pod deleted");

        Events.settled();
        call("getNamespace", "{\"name\": \"" + ns + "\"}").statusCode(200)
                .body("history[0].change", equalTo("WorkloadsRestarted"))
                .body("history[0].clusters.east", equalTo("applied"));
        var events = MeshServers.controlPlane.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> ns.equals(e.getInvolvedObject().getName()) && "WorkloadsRestarted".equals(e.getReason())).toList();
        assertEquals(1, events.size());
        assertTrue(events.get(0).getMessage().contains("east=applied"), events.get(0).getMessage());
    }

    @Test
    void aDryRunSaysWhatWouldBeRestartedAndWritesNothing() {
        eastWorkloads();
        Events.settled();
        Map<String, String> versions = eastVersions();
        Snapshot controlPlane = Snapshot.of(MeshServers.controlPlane.client());

        call("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"dryRun\": true}").statusCode(200)
                .body("dryRun", equalTo(true))
                .body("clusters[0].outcome", equalTo("applied"))
                .body("clusters[0].restarted", equalTo(List.of("DaemonSet/agent", "Deployment/web", "StatefulSet/db")))
                .body("clusters[0].skipped.workload", equalTo(List.of("Job/migrate", "Pod/debug")));

        Events.settled();
        assertEquals(versions, eastVersions());
        assertEquals(controlPlane, Snapshot.of(MeshServers.controlPlane.client()), "no history, no Event");
        assertNull(restartedAt(east().apps().deployments().inNamespace(ns).withName("web").get()));
    }

    @Test
    void aClusterThatRefusesThePatchFailsNamingTheMissingRight() {
        KubernetesClient west = MeshServers.west.client();
        west.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName("api")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withTemplate(template("api")).endSpec().build()).create();
        pod(MeshServers.west, "api-6b9c4-pqrst", "ReplicaSet", "api-6b9c4", "6b9c4", false);
        MeshServers.west.mock().expect().patch()
                .withPath("/apis/apps/v1/namespaces/" + ns + "/deployments/api?fieldManager=meshns")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
                        + "\"message\":\"deployments.apps \\\"api\\\" is forbidden: User \\\"system:serviceaccount:kube-system:meshns-agent\\\""
                        + " cannot patch resource \\\"deployments\\\" in API group \\\"apps\\\"\"}")
                .once();

        call("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"west\"]}").statusCode(200)
                .body("clusters.cluster", equalTo(List.of("west")))
                .body("clusters[0].outcome", equalTo("failed"))
                .body("clusters[0].restarted", equalTo(List.of()))
                .body("clusters[0].message", containsString("Deployment/api"))
                .body("clusters[0].message", containsString("may not patch deployments.apps in namespace " + ns));
        assertNull(restartedAt(west.apps().deployments().inNamespace(ns).withName("api").get()));
    }

    @Test
    void aClusterSelectorPicksTheClustersAndMistakesChangeNothing() {
        eastWorkloads();
        call("updateCluster", "{\"name\": \"east\", \"labels\": {\"ring\": \"canary\"}}").statusCode(200);
        Events.settled();
        Map<String, String> versions = eastVersions();

        fails("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=stable\"}", 404, "cluster-not-found")
                .body("message", containsString("ring=stable"));
        fails("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring in (\"}", 400,
                "invalid-label-selector");
        fails("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"clusters\": [\"east\"], \"clusterSelector\": \"ring\"}", 400,
                "clusters-and-selector");
        fails("restartWorkloads", "{\"namespace\": \"nowhere\"}", 404, "namespace-not-found");
        fails("restartWorkloads", "{\"namespace\": \"kube-system\"}", 403, "protected-namespace");
        fails("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"pods\": true}", 400, "unknown-field");
        assertEquals(versions, eastVersions());

        call("restartWorkloads", "{\"namespace\": \"" + ns + "\", \"clusterSelector\": \"ring=canary\"}").statusCode(200)
                .body("clusters.cluster", equalTo(List.of("east")))
                .body("clusters[0].outcome", equalTo("applied"));
    }
}
