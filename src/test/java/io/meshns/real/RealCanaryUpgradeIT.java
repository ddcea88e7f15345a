package io.meshns.real;

import static io.meshns.real.RevisionAnswers.inUse;
import static io.meshns.real.RevisionAnswers.texts;
import static io.meshns.real.RevisionAnswers.use;
import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.meshns.testing.Outcomes;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * A platform engineer's canary upgrade of Istio from 1-24 to 1-25, step by step on real
 * kube-apiservers: look at the revisions, preview and move the canary ring (east), restart its
 * workloads, reconcile, move the rest of the fleet, look again, and be refused where a step is
 * wrong. No controller runs there: the Deployment's ReplicaSet and every pod are made by hand with
 * their ownerReferences, stay Pending, and are replaced by the test where a controller would.
 */
@RealKubernetes
class RealCanaryUpgradeIT extends FunctionCalledAsAdmin {

    private static final String NS = "shop";
    private static final String EAST = "c-east";
    private static final String WEST = "c-west";
    private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    private static final String VIEWER_ROLE = "canary-namespace-viewer";

    private static final List<Runnable> cleanUps = new ArrayList<>();
    private static String viewer;

    @BeforeAll
    static void deploy() throws Exception {
        start("canary");
        for (HasMetadata object : FunctionYaml.objects(FunctionYaml.DATA_PLANE_AGENT_RESTART)) {
            mesh.east().admin().resource(object).createOr(NonDeletingOperation::update);
            cleanUps.add(() -> mesh.east().admin().resource(object).delete());
        }
        // A caller who may get and list namespaces in the control plane, and nothing else.
        KubernetesClient control = mesh.controlPlane().admin();
        control.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(VIEWER_ROLE).endMetadata()
                .addNewRule().withApiGroups("").withResources("namespaces").withVerbs("get", "list").endRule().build()).create();
        control.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(VIEWER_ROLE)
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", VIEWER_ROLE)
                .addNewSubject().withKind("ServiceAccount").withName("canary-viewer").withNamespace("default").endSubject()
                .build()).create();
        cleanUps.add(() -> {
            control.rbac().clusterRoleBindings().withName(VIEWER_ROLE).delete();
            control.rbac().clusterRoles().withName(VIEWER_ROLE).delete();
        });
        viewer = mesh.controlPlane().serviceAccountToken("default", "canary-viewer");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (function != null) {
                Answers.deregisterAll(function, admin);
                if (viewer != null) {
                    LogAssertions.assertNoSecret(function.log(), List.of(viewer));
                }
            }
        } finally {
            cleanUps.forEach(Runnable::run);
            cleanUps.clear();
        }
    }

    @Test
    void aCanaryRingMovesFirstThenTheFleetAndDescribeShowsTheOldRevisionsRemainingUsers() throws Exception {
        setUp();

        // 2. What is installed where, and what uses it.
        JsonNode revisions = ok("describeRevisions", "{}");
        assertEquals(0, revisions.path("unreachable").size(), revisions.toString());
        assertTrue(inUse(revisions, "1-24"), revisions.toString());
        assertFalse(inUse(revisions, "1-25"), revisions.toString());
        for (String cluster : List.of(EAST, WEST)) {
            JsonNode old = use(revisions, "1-24", cluster);
            assertTrue(old.path("installed").asBoolean(), old.toString());
            assertEquals(List.of("default"), texts(old.path("tags")));
            assertTrue(texts(old.path("namespaces")).contains(NS), old.toString());
            assertEquals(3, old.path("pods").asInt(), "web by its label, db by its annotation, debug: " + old);
            JsonNode next = use(revisions, "1-25", cluster);
            assertTrue(next.path("installed").asBoolean(), next.toString());
            assertEquals(List.of("prod"), texts(next.path("tags")));
            assertEquals(List.of(), texts(next.path("namespaces")));
            assertEquals(0, next.path("pods").asInt(), next.toString());
        }

        // 3. Preview of the canary ring: east would move, with what to restart there; nothing is written anywhere.
        Map<String, String> before = everything();
        JsonNode preview = ok("migrateRevision",
                "{\"from\": \"1-24\", \"to\": \"1-25\", \"clusterSelector\": \"ring=canary\", \"dryRun\": true}");
        assertEquals(before, everything(), "a dry run changes no resourceVersion in any server");
        assertTrue(preview.path("dryRun").asBoolean(), preview.toString());
        JsonNode previewEast = only(preview, NS, EAST);
        assertEquals("applied", previewEast.path("outcome").asText(), preview.toString());
        assertEquals("rev:1-25", previewEast.path("wanted").asText(), preview.toString());
        assertEquals(List.of("Deployment/web", "Pod/debug", "StatefulSet/db"), sorted(previewEast.path("restart").path("workloads")),
                preview.toString());
        assertEquals(3, previewEast.path("restart").path("pods").asInt(), preview.toString());

        // 4. The canary ring moves: east alone; the control plane and west stay on 1-24.
        JsonNode moved = ok("migrateRevision", "{\"from\": \"1-24\", \"to\": \"1-25\", \"clusterSelector\": \"ring=canary\"}");
        assertNull(moved.get("dryRun"), moved.toString());
        JsonNode movedEast = only(moved, NS, EAST);
        assertEquals("applied", movedEast.path("outcome").asText(), moved.toString());
        assertEquals(List.of("Deployment/web", "Pod/debug", "StatefulSet/db"), sorted(movedEast.path("restart").path("workloads")),
                moved.toString());
        assertEquals("1-25", labels(mesh.east(), NS).get("istio.io/rev"));
        assertEquals("1-24", labels(mesh.west(), NS).get("istio.io/rev"));
        assertEquals("1-24", labels(mesh.controlPlane(), NS).get("istio.io/rev"));
        assertWanted(Map.of(EAST, "rev:1-25", WEST, "rev:1-24"));

        // 5. Restart in the canary ring: the Deployment and the StatefulSet roll; the bare pod is left, with why.
        long webGeneration = web(mesh.east()).getMetadata().getGeneration();
        long dbGeneration = db(mesh.east()).getMetadata().getGeneration();
        Map<String, String> westBefore = apps(mesh.west());
        JsonNode restart = ok("restartWorkloads", "{\"namespace\": \"" + NS + "\", \"clusters\": [\"" + EAST + "\"]}");
        assertEquals(List.of(EAST), clusters(restart), "only the cluster named: " + restart);
        JsonNode restartEast = Answers.outcome(restart, EAST);
        assertEquals("applied", restartEast.path("outcome").asText(), restart.toString());
        assertEquals(List.of("Deployment/web", "StatefulSet/db"), sorted(restartEast.path("restarted")), restart.toString());
        assertEquals(1, restartEast.path("skipped").size(), restart.toString());
        assertEquals("Pod/debug", restartEast.path("skipped").get(0).path("workload").asText(), restart.toString());
        assertFalse(restartEast.path("skipped").get(0).path("reason").asText().isBlank(), restart.toString());
        Deployment web = web(mesh.east());
        assertNotNull(annotations(web.getSpec().getTemplate()).get(RESTARTED_AT), web.getSpec().getTemplate().toString());
        assertEquals(webGeneration + 1, web.getMetadata().getGeneration(), "a new rollout of web");
        StatefulSet db = db(mesh.east());
        assertNotNull(annotations(db.getSpec().getTemplate()).get(RESTARTED_AT), db.getSpec().getTemplate().toString());
        assertEquals(dbGeneration + 1, db.getMetadata().getGeneration(), "a new rollout of db");
        assertNotNull(mesh.east().admin().pods().inNamespace(NS).withName("debug").get(), "meshns deletes no pod");
        assertEquals(3, mesh.east().admin().pods().inNamespace(NS).list().getItems().size(), "meshns deletes no pod");
        assertEquals(westBefore, apps(mesh.west()), "west is not restarted");
        assertNull(annotations(web(mesh.west()).getSpec().getTemplate()).get(RESTARTED_AT));
        // What the controllers would do now: replace web's and db's pods with pods of the new proxy.
        rollOut(mesh.east());

        // 6. A reconcile keeps the ring where it is.
        JsonNode reconciled = ok("reconcile", "{\"namespace\": \"" + NS + "\"}");
        JsonNode shop = reconciled.path("results").get(0);
        assertEquals(NS, shop.path("namespace").asText(), reconciled.toString());
        assertEquals(Map.of(EAST, "unchanged", WEST, "unchanged"), Outcomes.of(shop), reconciled.toString());
        assertEquals("1-25", labels(mesh.east(), NS).get("istio.io/rev"));
        assertEquals("1-24", labels(mesh.west(), NS).get("istio.io/rev"));
        assertEquals("1-24", labels(mesh.controlPlane(), NS).get("istio.io/rev"));

        // 7. The rest of the fleet: the control plane and west move; east's own setting is already 1-25, so it does not.
        JsonNode fleet = ok("migrateRevision", "{\"from\": \"1-24\", \"to\": \"1-25\"}");
        JsonNode fleetWest = only(fleet, NS, WEST);
        assertEquals("applied", fleetWest.path("outcome").asText(), fleet.toString());
        assertEquals("rev:1-25", fleetWest.path("wanted").asText(), fleet.toString());
        assertEquals(List.of("Deployment/web", "Pod/debug", "StatefulSet/db"), sorted(fleetWest.path("restart").path("workloads")),
                fleet.toString());
        for (KubeApiServer server : mesh.servers().all()) {
            assertEquals("1-25", labels(server, NS).get("istio.io/rev"), server.name());
        }
        assertWanted(Map.of(EAST, "rev:1-25", WEST, "rev:1-25"));
        assertEquals(0, ok("migrateRevision", "{\"from\": \"1-24\", \"to\": \"1-25\"}").path("results").size(),
                "a second run finds nothing left to move");

        // 8. The namespaces select 1-25 everywhere, yet 1-24 is still in use: west's pods were not restarted,
        //    and east's bare pod never is.
        JsonNode after = ok("describeRevisions", "{}");
        assertEquals(0, after.path("unreachable").size(), after.toString());
        assertTrue(inUse(after, "1-24"), "describe shows the old revision's remaining users: " + after);
        JsonNode eastOld = use(after, "1-24", EAST);
        JsonNode westOld = use(after, "1-24", WEST);
        assertFalse(texts(eastOld.path("namespaces")).contains(NS), eastOld.toString());
        assertFalse(texts(westOld.path("namespaces")).contains(NS), westOld.toString());
        assertEquals(1, eastOld.path("pods").asInt(), "east's debug: " + eastOld);
        assertEquals(3, westOld.path("pods").asInt(), "west's web, db and debug: " + westOld);
        JsonNode eastNew = use(after, "1-25", EAST);
        JsonNode westNew = use(after, "1-25", WEST);
        assertEquals(List.of(NS), texts(eastNew.path("namespaces")));
        assertEquals(List.of(NS), texts(westNew.path("namespaces")));
        assertEquals(2, eastNew.path("pods").asInt(), "east's replaced web and db: " + eastNew);
        assertEquals(0, westNew.path("pods").asInt(), westNew.toString());

        // 9. Refusals: each changes nothing anywhere.
        refused(409, "injector-missing", "migrateRevision", "{\"from\": \"1-25\", \"to\": \"1-26\"}", admin,
                EAST, WEST, "1-26");
        refused(400, "invalid-label-selector", "migrateRevision",
                "{\"from\": \"1-25\", \"to\": \"1-24\", \"clusterSelector\": \"\"}", admin, "clusterSelector");
        refused(400, "clusters-and-selector", "migrateRevision",
                "{\"from\": \"1-25\", \"to\": \"1-24\", \"clusters\": [\"" + EAST + "\"], \"clusterSelector\": \"ring=canary\"}",
                admin);
        refused(404, "cluster-not-found", "migrateRevision",
                "{\"from\": \"1-25\", \"to\": \"1-24\", \"clusterSelector\": \"ring=nowhere\"}", admin, "ring=nowhere");
        refused(403, "forbidden", "migrateRevision", "{\"from\": \"1-25\", \"to\": \"1-24\"}", viewer,
                "patch namespaces");
        refused(403, "forbidden", "restartWorkloads", "{\"namespace\": \"" + NS + "\"}", viewer, "patch deployments");
        // The viewer may still look.
        assertEquals(200, function.call("describeRevisions", "{}", viewer).status());
    }

    /** 1. East (ring=canary) and west (ring=stable) registered, both able to inject 1-24 (tag default) and 1-25 (tag prod), and shop on 1-24 with its workloads. */
    private static void setUp() throws Exception {
        ok("registerCluster", withLabels(mesh.registration(EAST, mesh.east()), "{\"ring\": \"canary\"}"));
        ok("registerCluster", mesh.registration(WEST, mesh.west()));
        ok("updateCluster", "{\"name\": \"" + WEST + "\", \"labels\": {\"ring\": \"stable\"}}");
        for (KubeApiServer dataPlane : List.of(mesh.east(), mesh.west())) {
            injector(dataPlane, "1-24", null);
            injector(dataPlane, "1-25", null);
            injector(dataPlane, "1-24", "default");
            injector(dataPlane, "1-25", "prod");
        }
        ok("createNamespace", "{\"name\": \"" + NS + "\"}");
        for (KubeApiServer dataPlane : List.of(mesh.east(), mesh.west())) {
            createNamespace(dataPlane, NS, Map.of());
            // The ServiceAccount admission plugin wants the account pods run as; no controller-manager makes it here.
            dataPlane.admin().serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("default").endMetadata().build()).create();
            workloads(dataPlane.admin());
        }
        JsonNode enabled = ok("enableInjection", "{\"namespace\": \"" + NS + "\", \"revision\": \"1-24\"}");
        assertEquals(Map.of(EAST, "applied", WEST, "applied"), Outcomes.of(enabled), enabled.toString());
        for (KubeApiServer server : mesh.servers().all()) {
            assertEquals("1-24", labels(server, NS).get("istio.io/rev"), server.name());
        }
        JsonNode clusters = ok("listClusters", "{}").path("items");
        Map<String, String> rings = new TreeMap<>();
        clusters.forEach(c -> rings.put(c.path("name").asText(), c.path("labels").path("ring").asText()));
        assertEquals(Map.of(EAST, "canary", WEST, "stable"), rings, clusters.toString());
    }

    private static String withLabels(String registration, String labels) {
        return registration.substring(0, registration.lastIndexOf('}')) + ", \"labels\": " + labels + "}";
    }

    private static void injector(KubeApiServer server, String revision, String tag) {
        String name = RealMesh.installInjector(server, revision, tag);
        cleanUps.add(() -> server.admin().admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete());
    }

    /** Deployment web (its ReplicaSet and a pod labelled istio.io/rev), StatefulSet db (a pod with Istio's status annotation) and bare debug, all on 1-24's proxy. */
    private static void workloads(KubernetesClient admin) {
        Deployment web = admin.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withTemplate(template("web")).endSpec().build()).create();
        webPod(admin, web, "5d8f7", "1-24");
        StatefulSet db = admin.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder().withNewMetadata()
                .withName("db").endMetadata().withNewSpec().withServiceName("db").withNewSelector().addToMatchLabels("app", "db")
                .endSelector().withTemplate(template("db")).endSpec().build()).create();
        dbPod(admin, db, "1-24");
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("debug")
                .addToLabels("istio.io/rev", "1-24").endMetadata().withSpec(withProxy()).build()).create();
    }

    private static PodTemplateSpec template(String app) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("registry.example/app:1").endContainer().endSpec().build();
    }

    /** An app container and the proxy the injector adds; no token mounted and no scheduler: the pod stays Pending. */
    private static PodSpec withProxy() {
        return new PodBuilder().withNewSpec().withAutomountServiceAccountToken(false)
                .addNewContainer().withName("app").withImage("registry.example/app:1").endContainer()
                .addNewContainer().withName("istio-proxy").withImage("istio/proxyv2:1.24.0").endContainer()
                .endSpec().build().getSpec();
    }

    /** web's ReplicaSet for {@code hash}, as the controller-manager names and owns it, and one pod of it labelled with {@code revision}. */
    private static void webPod(KubernetesClient admin, Deployment web, String hash, String revision) {
        ReplicaSet replicaSet = admin.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("web-" + hash).addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                .withName("web").withUid(web.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels(Map.of("app", "web", "pod-template-hash", hash))
                .endSelector().withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "web", "pod-template-hash", hash))
                .endMetadata().withSpec(template("web").getSpec()).endTemplate().endSpec().build()).create();
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("web-" + hash + "-abcde")
                .addToLabels(Map.of("app", "web", "pod-template-hash", hash, "istio.io/rev", revision))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet.getMetadata().getName())
                .withUid(replicaSet.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withSpec(withProxy()).build()).create();
    }

    /** db-0, owned by the StatefulSet, its proxy's revision named only by Istio's sidecar.istio.io/status annotation. */
    private static void dbPod(KubernetesClient admin, StatefulSet db, String revision) {
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("db-0").addToLabels("app", "db")
                .addToAnnotations("sidecar.istio.io/status", "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],"
                        + "\"volumes\":[\"istio-envoy\"],\"revision\":\"" + revision + "\"}")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet").withName("db")
                .withUid(db.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withSpec(withProxy()).build()).create();
    }

    /** What the Deployment and StatefulSet controllers do after a restart: new pods, injected by the namespace's new revision. */
    private static void rollOut(KubeApiServer server) {
        KubernetesClient admin = server.admin();
        admin.pods().inNamespace(NS).withName("web-5d8f7-abcde").withGracePeriod(0).delete();
        admin.pods().inNamespace(NS).withName("db-0").withGracePeriod(0).delete();
        admin.pods().inNamespace(NS).withName("db-0").waitUntilCondition(p -> p == null, 30, java.util.concurrent.TimeUnit.SECONDS);
        webPod(admin, web(server), "7c9d4", "1-25");
        dbPod(admin, db(server), "1-25");
    }

    private static Deployment web(KubeApiServer server) {
        return server.admin().apps().deployments().inNamespace(NS).withName("web").get();
    }

    private static StatefulSet db(KubeApiServer server) {
        return server.admin().apps().statefulSets().inNamespace(NS).withName("db").get();
    }

    private static Map<String, String> annotations(PodTemplateSpec template) {
        Map<String, String> annotations = template.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    /** The resourceVersion of every Deployment, ReplicaSet and StatefulSet of the namespace in one server. */
    private static Map<String, String> apps(KubeApiServer server) {
        Map<String, String> versions = new TreeMap<>();
        KubernetesClient c = server.admin();
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(c.apps().deployments().inAnyNamespace().list().getItems());
        objects.addAll(c.apps().replicaSets().inAnyNamespace().list().getItems());
        objects.addAll(c.apps().statefulSets().inAnyNamespace().list().getItems());
        objects.forEach(o -> versions.put(server.name() + " " + o.getKind() + " " + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return versions;
    }

    /** {@link #versions()} and the workloads of every server: what a write of any kind would show in. */
    private static Map<String, String> everything() {
        Map<String, String> versions = new TreeMap<>(versions());
        mesh.servers().all().forEach(server -> versions.putAll(apps(server)));
        return versions;
    }

    /** A refusal: the status, the error code, a message naming each of {@code named}, and no resourceVersion changed. */
    private static void refused(int status, String error, String name, String json, String token, String... named)
            throws Exception {
        Map<String, String> before = everything();
        FunctionProcess.Answer answer = function.call(name, json, token);
        assertEquals(status, answer.status(), name + " " + json + ": " + answer.body());
        assertEquals(error, answer.text("error"), answer.body().toString());
        for (String word : named) {
            assertTrue(answer.text("message").contains(word), "'" + word + "' in " + answer.body());
        }
        assertEquals(before, everything(), name + " " + json + " is refused and changes nothing");
    }

    /** Each cluster's wanted injection for shop, as getNamespace shows it. */
    private static void assertWanted(Map<String, String> wanted) throws Exception {
        JsonNode namespace = ok("getNamespace", "{\"name\": \"" + NS + "\"}");
        Map<String, String> seen = new TreeMap<>();
        namespace.path("clusters").forEach(c -> seen.put(c.path("cluster").asText(), c.path("wanted").asText()));
        assertEquals(new TreeMap<>(wanted), seen, namespace.toString());
    }

    /** The only namespace's only outcome of a migrateRevision answer: that of {@code cluster} in {@code ns}. */
    private static JsonNode only(JsonNode migration, String ns, String cluster) {
        assertEquals(1, migration.path("results").size(), migration.toString());
        JsonNode result = migration.path("results").get(0);
        assertEquals(ns, result.path("namespace").asText(), migration.toString());
        assertEquals(List.of(cluster), clusters(result), "only the clusters that move: " + migration);
        return result.path("clusters").get(0);
    }

    private static List<String> clusters(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.path("clusters").forEach(c -> names.add(c.path("cluster").asText()));
        return names;
    }

    private static List<String> sorted(JsonNode array) {
        return texts(array).stream().sorted().toList();
    }
}
