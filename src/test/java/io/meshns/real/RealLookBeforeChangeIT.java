package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static io.meshns.testing.real.RealMesh.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.meshns.testing.Events;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.Outcomes;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKubernetes;
import io.meshns.testing.real.RealMesh;

/**
 * Looking before changing, on real kube-apiservers: dry runs checked by comparing every object's
 * resourceVersion before and after, the precheck against real MutatingWebhookConfigurations,
 * restart impact from real (Pending) pods, describeMesh, and history as real Events that
 * kubectl shows.
 */
@RealKubernetes
class RealLookBeforeChangeIT extends FunctionCalledAsAdmin {

    private final List<Runnable> cleanUps = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        start("look-before-change");
    }

    @AfterEach
    void cleanUp() throws Exception {
        cleanUps.forEach(Runnable::run);
        cleanUps.clear();
        Answers.deregisterAll(function, admin);
    }

    private void everywhere(String ns) {
        for (KubeApiServer server : mesh.servers().all()) {
            createNamespace(server, ns, Map.of());
        }
    }

    @Test
    void aDryRunOfEveryWritingFunctionChangesNoObjectAnywhere() throws Exception {
        everywhere("dry");
        ok("registerCluster", mesh.registration("d-east", mesh.east()));
        ok("registerCluster", mesh.registration("d-west", mesh.west()));
        ok("enableInjection", "{\"namespace\": \"dry\"}");
        mesh.west().admin().namespaces().withName("dry").edit(n -> {
            n.getMetadata().getLabels().put("istio-injection", "disabled");
            return n;
        });
        Map<String, String> before = versions();

        JsonNode disabled = ok("disableInjection", "{\"namespace\": \"dry\", \"dryRun\": true}");
        assertEquals(true, disabled.path("dryRun").asBoolean());
        assertEquals(Map.of("d-east", "applied", "d-west", "unchanged"), Outcomes.of(disabled));
        JsonNode enabled = ok("enableInjection", "{\"namespace\": \"dry\", \"revision\": \"canary\", \"dryRun\": true}");
        assertEquals(Map.of("d-east", "applied", "d-west", "applied"), Outcomes.of(enabled));
        ok("removeInjection", "{\"namespace\": \"dry\", \"dryRun\": true}");
        JsonNode repair = ok("reconcile", "{\"namespace\": \"dry\", \"dryRun\": true}");
        assertEquals(Map.of("d-east", "unchanged", "d-west", "applied"), Outcomes.of(repair.path("results").get(0)));
        assertEquals(true, ok("createNamespace", "{\"name\": \"dry-new\", \"labels\": {\"team\": \"a\"}, \"dryRun\": true}")
                .path("dryRun").asBoolean());
        assertEquals(true, ok("deleteNamespace", "{\"name\": \"dry\", \"dryRun\": true}").path("dryRun").asBoolean());
        JsonNode registered = ok("registerCluster", mesh.registration("d-north", mesh.east()).replace("}", ", \"dryRun\": true}"));
        // east has "dry" enabled already: registering it again would change nothing there.
        assertEquals("unchanged", find(registered.path("namespaces"), "dry").path("outcome").asText(), registered.toString());
        ok("deregisterCluster", "{\"name\": \"d-west\", \"dryRun\": true}");

        assertEquals(before, versions(), "a dry run changes no object's resourceVersion in any server");
        assertEquals(409, function.call("createNamespace", "{\"name\": \"dry\", \"dryRun\": true}", admin).status());
        assertEquals(409, function.call("registerCluster", mesh.registration("d-east", mesh.east())
                .replace("}", ", \"dryRun\": true}"), admin).status());
    }

    private static JsonNode find(JsonNode items, String namespace) {
        for (JsonNode item : items) {
            if (namespace.equals(item.path("namespace").asText())) {
                return item;
            }
        }
        throw new AssertionError(namespace + " not in " + items);
    }

    @Test
    void theInjectorPrecheckReadsRealWebhooksAndARefusalChangesNothing() throws Exception {
        everywhere("pre");
        String revision = "9-1";
        String eastHook = RealMesh.installInjector(mesh.east(), revision, null);
        String westTag = RealMesh.installInjector(mesh.west(), revision, "stable9");
        cleanUps.add(() -> mesh.east().admin().admissionRegistration().v1().mutatingWebhookConfigurations().withName(eastHook).delete());
        cleanUps.add(() -> mesh.west().admin().admissionRegistration().v1().mutatingWebhookConfigurations().withName(westTag).delete());
        ok("registerCluster", mesh.registration("p-east", mesh.east()));
        ok("registerCluster", mesh.registration("p-west", mesh.west()));
        Map<String, String> before = versions();

        // west has 9-1 only behind the tag stable9: a revision tag's webhook carries istio.io/rev too.
        ok("enableInjection", "{\"namespace\": \"pre\", \"revision\": \"9-1\", \"dryRun\": true}");
        FunctionProcess.Answer refused = function.call("enableInjection", "{\"namespace\": \"pre\", \"revision\": \"stable9\"}", admin);
        assertEquals(409, refused.status(), refused.body().toString());
        assertEquals("injector-missing", refused.body().path("error").asText());
        assertTrue(refused.body().path("message").asText().contains("\"stable9\" in cluster p-east "), refused.body().toString());
        FunctionProcess.Answer none = function.call("enableInjection", "{\"namespace\": \"pre\", \"revision\": \"7-7\"}", admin);
        assertEquals(409, none.status());
        assertTrue(none.body().path("message").asText().contains("clusters p-east, p-west"), none.body().toString());
        assertEquals(before, versions(), "a refused change writes nothing anywhere, not even meshns' own state");

        JsonNode forced = ok("enableInjection", "{\"namespace\": \"pre\", \"revision\": \"stable9\", \"force\": true}");
        assertEquals(Map.of("p-east", "applied", "p-west", "applied"), Outcomes.of(forced));
        assertEquals(Map.of("istio.io/rev", "stable9"), labels(mesh.east(), "pre"));

        // An agent that may not list webhooks (nor pods): the change goes ahead and says what was not verified.
        ok("deregisterCluster", "{\"name\": \"p-west\"}");
        ok("registerCluster", mesh.registrationWith("p-west", mesh.west(), mesh.west().caCert(),
                mesh.namespaceOnlyToken(mesh.west())));
        JsonNode unverified = ok("enableInjection", "{\"namespace\": \"pre\", \"revision\": \"9-1\"}");
        JsonNode west = Answers.outcome(unverified, "p-west");
        assertEquals("applied", west.path("outcome").asText());
        assertTrue(west.path("message").asText().contains("injector not verified"), west.toString());
        assertTrue(west.path("message").asText().contains("mutatingwebhookconfigurations"), west.toString());
        assertTrue(west.path("message").asText().contains("restart impact unknown"), west.toString());
        assertTrue(west.path("restart").isMissingNode(), west.toString());
        assertTrue(Answers.outcome(unverified, "p-east").path("restart").isObject(), unverified.toString());
    }

    private static void pod(KubeApiServer server, String ns, String name, String ownerKind, String owner, String hash,
            boolean proxy, boolean nativeProxy) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                // No controller-manager mounts a token for it, and no scheduler places it: it stays Pending.
                .withAutomountServiceAccountToken(false)
                .addNewContainer().withName("app").withImage("registry.example/app:1").endContainer().endSpec();
        if (owner != null) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(owner)
                    .withUid("00000000-0000-0000-0000-" + String.format("%012d", Math.abs(owner.hashCode()))).withController(true)
                    .endOwnerReference().endMetadata();
        }
        if (hash != null) {
            pod.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        if (proxy) {
            pod.editMetadata().addToLabels("istio.io/rev", "default").endMetadata()
                    .editSpec().addNewContainer().withName("istio-proxy").withImage("istio/proxyv2:1.24.0").endContainer().endSpec();
        }
        if (nativeProxy) {
            pod.editMetadata().addToLabels("istio.io/rev", "default").endMetadata()
                    .editSpec().addNewInitContainer().withName("istio-proxy").withImage("istio/proxyv2:1.24.0")
                    .endInitContainer().endSpec();
        }
        server.admin().pods().inNamespace(ns).resource(pod.build()).create();
    }

    @Test
    void restartImpactAndDescribeMeshFromRealPods() throws Exception {
        everywhere("pods");
        mesh.east().admin().serviceAccounts().inNamespace("pods").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("default").endMetadata().build()).create();
        pod(mesh.east(), "pods", "web-5f7c9-aaaaa", "ReplicaSet", "web-5f7c9", "5f7c9", false, false);
        pod(mesh.east(), "pods", "web-5f7c9-bbbbb", "ReplicaSet", "web-5f7c9", "5f7c9", false, false);
        pod(mesh.east(), "pods", "db-0", "StatefulSet", "db", null, false, false);
        pod(mesh.east(), "pods", "injected", null, null, null, true, false);
        pod(mesh.east(), "pods", "native", null, null, null, false, true);
        ok("registerCluster", mesh.registration("r-east", mesh.east()));
        ok("registerCluster", mesh.registration("r-west", mesh.west()));

        JsonNode enabled = ok("enableInjection", "{\"namespace\": \"pods\"}");
        JsonNode east = Answers.outcome(enabled, "r-east");
        assertEquals(3, east.path("restart").path("pods").asInt(), enabled.toString());
        assertEquals("[\"Deployment/web\",\"StatefulSet/db\"]", east.path("restart").path("workloads").toString());
        assertEquals(0, Answers.outcome(enabled, "r-west").path("restart").path("pods").asInt(), enabled.toString());

        JsonNode disabled = ok("disableInjection", "{\"namespace\": \"pods\", \"dryRun\": true}");
        assertEquals("[\"Pod/injected\",\"Pod/native\"]", Answers.outcome(disabled, "r-east").path("restart").path("workloads").toString());

        mesh.west().admin().namespaces().withName("pods").edit(n -> {
            n.getMetadata().setLabels(Map.of("istio.io/rev", "canary"));
            return n;
        });
        JsonNode described = ok("describeMesh", "{\"pods\": true}");
        JsonNode row = null;
        for (JsonNode r : described.path("namespaces")) {
            if (r.path("name").asText().equals("pods")) {
                row = r;
            }
        }
        assertEquals("enabled", row.path("injection").asText(), described.toString());
        assertEquals("in-sync", Answers.outcome(row, "r-east").path("state").asText());
        assertEquals(3, Answers.outcome(row, "r-east").path("restart").path("pods").asInt());
        assertEquals("drifted", Answers.outcome(row, "r-west").path("state").asText());
        assertEquals("canary", Answers.outcome(row, "r-west").path("revision").asText());
    }

    @Test
    void everyChangeIsARealEventThatKubectlDescribeShows() throws Exception {
        String ns = "history";
        ok("createNamespace", "{\"name\": \"" + ns + "\"}");
        createNamespace(mesh.east(), ns, Map.of());
        ok("registerCluster", mesh.registration("h-east", mesh.east()));
        ok("enableInjection", "{\"namespace\": \"" + ns + "\"}");
        ok("disableInjection", "{\"namespace\": \"" + ns + "\"}");

        JsonNode read = ok("getNamespace", "{\"name\": \"" + ns + "\"}");
        assertEquals("InjectionDisabled", read.path("history").get(0).path("change").asText(), read.toString());
        assertEquals("admin", read.path("history").get(0).path("by").asText());
        assertEquals("applied", read.path("history").get(0).path("clusters").path("h-east").asText());
        assertEquals("NamespaceCreated", read.path("history").get(2).path("change").asText());

        var namespace = mesh.controlPlane().admin().namespaces().withName(ns).get();
        // The selector kubectl describe uses for a Namespace's events; they are sent after each answer.
        var events = Events.await(() -> mesh.controlPlane().admin().v1().events().inAnyNamespace()
                .withField("involvedObject.uid", namespace.getMetadata().getUid()).list().getItems(), found -> found.size() >= 3);
        List<String> reasons = events.stream().map(e -> e.getReason()).sorted().toList();
        assertEquals(List.of("InjectionDisabled", "InjectionEnabled", "NamespaceCreated"), reasons);
        assertTrue(events.stream().allMatch(e -> e.getMessage().contains("by admin")), events.toString());
        var clusterEvents = Events.await(() -> mesh.controlPlane().admin().v1().events().inNamespace("meshns-system")
                .withField("involvedObject.name", "cluster-h-east").list().getItems(), found -> !found.isEmpty());
        assertTrue(clusterEvents.stream().anyMatch(e -> "ClusterRegistered".equals(e.getReason())), clusterEvents.toString());

        String listed = kubectlEventsOf(ns);
        if (listed != null) {
            assertTrue(listed.contains("InjectionEnabled") && listed.contains("InjectionDisabled")
                    && listed.contains("by admin"), listed);
        }
    }

    /**
     * kubectl's own view of the namespace's events, when kubectl is installed (the API check above
     * runs either way). Not kubectl describe ns: its Namespace page has no events section (1.32).
     */
    private static String kubectlEventsOf(String ns) throws Exception {
        Path kubectl = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                kubectl = Path.of(dir, "kubectl");
                break;
            }
        }
        if (kubectl == null) {
            System.out.println("[real-kube] kubectl not found: kubectl get events not tried (the events were checked by API)");
            return null;
        }
        Process process = new ProcessBuilder(kubectl.toString(), "--server", mesh.controlPlane().url(),
                "--certificate-authority", mesh.controlPlane().caFile().toString(), "--token", admin, "get", "events", "--all-namespaces",
                "--field-selector", "involvedObject.kind=Namespace,involvedObject.name=" + ns)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
