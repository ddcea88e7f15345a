package io.meshns.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Api;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.browser.Browser;
import io.meshns.testing.browser.InBrowser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The console's Revisions view in headless Chromium, over a fleet of two data planes that both run
 * the injectors of 1-24-0 and 1-25-0 (ring=canary and ring=stable): a canary upgrade of one ring,
 * previewed, applied and seen, and the restart of a namespace's workloads in that ring.
 */
@InBrowser
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class RevisionsBrowserTest extends BrowserSession {

    private static final String OLD = "1-24-0";
    private static final String NEW = "1-25-0";
    private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    /** How long a data plane takes to answer in the tests of how the page reads: long enough to tell reads at once from reads in turn. */
    private static final Duration SLOW = Duration.ofMillis(400);
    private static int counter;

    private MockApiServer canary;
    private MockApiServer stable;
    private String shop;

    @BeforeEach
    void twoClustersRunningBothRevisionsAndANamespaceOnTheOldOne() {
        // Only this fleet is registered: what the view lists is this test's.
        Mesh.deregisterAll();
        canary = MockApiServer.start().withInjectors(OLD, NEW);
        stable = MockApiServer.start().withInjectors(OLD, NEW);
        Mesh.register("canary", canary.url(), Map.of("ring", "canary"));
        Mesh.register("stable", stable.url(), Map.of("ring", "stable"));
        shop = "rev-shop-" + counter++;
        for (KubernetesClient client : List.of(cp(), canary.client(), stable.client())) {
            Mesh.createNamespace(client, shop, Map.of());
        }
        Api.call("enableInjection", "{\"namespace\": \"" + shop + "\", \"revision\": \"" + OLD + "\"}").statusCode(200);
        // A pod of Deployment/web running the old proxy in the canary cluster: what moving it there asks to restart.
        canary.client().pods().inNamespace(shop).resource(new PodBuilder().withNewMetadata().withName("web-1-a")
                .withNamespace(shop).addToLabels("pod-template-hash", "1").addToLabels("istio.io/rev", OLD)
                .addNewOwnerReference().withKind("ReplicaSet").withName("web-1").withController(true).endOwnerReference()
                .endMetadata().withNewSpec().addNewContainer().withName("app").endContainer().addNewContainer()
                .withName("istio-proxy").endContainer().endSpec().build()).create();
        browser.viewport(Browser.DESKTOP);
    }

    @AfterEach
    void deregister() {
        Mesh.deregisterAll();
        canary.close();
        stable.close();
    }

    private static KubernetesClient cp() {
        return MeshServers.controlPlane.client();
    }

    private ConsolePage open() {
        try {
            return ConsolePage.open(browser.driver(), base);
        } catch (org.openqa.selenium.TimeoutException e) {
            browser.screenshot("revisions-failed-to-load");
            throw new AssertionError("the console did not finish loading; browser console: " + browser.consoleErrors()
                    + "; page: " + browser.driver().findElement(By.tagName("body")).getText(), e);
        }
    }

    @Test
    void migratingOneRingMovesItsNamespaceToTheNewRevisionThereOnly() {
        ConsolePage page = open();
        assertNull(page.notice());
        RevisionsView view = page.revisions();
        assertEquals(List.of(OLD, NEW), view.revisions());
        assertTrue(view.heading(OLD).contains("in use") && !view.heading(OLD).contains("safe to uninstall"), view.heading(OLD));
        assertTrue(view.heading(NEW).contains("not in use") && view.heading(NEW).contains("safe to uninstall"), view.heading(NEW));
        assertEquals(List.of(shop), view.namespaces(OLD, "canary"));
        assertEquals(List.of(shop), view.namespaces(OLD, "stable"));
        assertEquals(List.of(), view.namespaces(NEW, "canary"));
        String canaryRow = view.clusterRow(OLD, "canary");
        assertTrue(canaryRow.contains("installed") && !canaryRow.contains("not installed") && canaryRow.contains("1 pod"), canaryRow);
        assertTrue(view.clusterRow(NEW, "stable").contains("0 pods"), view.clusterRow(NEW, "stable"));
        assertNull(view.unreachable());
        browser.screenshot("revisions-before-migration");

        ChangeDialog migrate = view.migrate().migrate(OLD, NEW).ring("canary");
        assertFalse(migrate.canApply(), "nothing to apply before a preview");
        migrate.preview();
        assertEquals("Preview: nothing has changed yet", migrate.resultHeading(), migrate.text());
        assertEquals(List.of("canary"), migrate.outcomeClusters(shop), "only the ring is involved");
        assertEquals("applied", migrate.outcome(shop, "canary"), migrate.text());
        String restart = migrate.outcomeRow(shop, "canary");
        assertTrue(restart.contains("1 pod") && restart.contains("Deployment/web"), "restart impact: " + restart);
        assertEquals(Map.of("istio.io/rev", OLD), injection(canary.client()), "a preview changes nothing");
        browser.screenshot("revisions-migration-preview");

        assertTrue(migrate.canApply());
        migrate.apply();
        assertEquals("Done", migrate.resultHeading(), migrate.text());
        assertEquals("applied", migrate.outcome(shop, "canary"), migrate.text());
        assertEquals(List.of("canary"), migrate.outcomeClusters(shop));
        migrate.close();
        page.waitIdle();

        // The view, read again: the namespace under the new revision in the ring, under the old one elsewhere.
        assertEquals(List.of(shop), view.namespaces(NEW, "canary"));
        assertEquals(List.of(), view.namespaces(OLD, "canary"));
        assertEquals(List.of(shop), view.namespaces(OLD, "stable"));
        assertEquals(List.of(), view.namespaces(NEW, "stable"));
        assertTrue(view.heading(NEW).contains("in use") && !view.heading(NEW).contains("safe to uninstall"), view.heading(NEW));
        browser.screenshot("revisions-after-migration");

        // The clusters' labels and the API agree: the ring has its own setting, the control plane is as it was.
        assertEquals(Map.of("istio.io/rev", NEW), injection(canary.client()));
        assertEquals(Map.of("istio.io/rev", OLD), injection(stable.client()));
        assertEquals(Map.of("istio.io/rev", OLD), injection(cp()));
        JsonPath ns = Api.call("getNamespace", "{\"name\": \"" + shop + "\"}").statusCode(200).extract().jsonPath();
        assertEquals("rev:" + NEW, ns.getString("clusters.find { it.cluster == 'canary' }.wanted"));
        assertEquals("rev:" + OLD, ns.getString("clusters.find { it.cluster == 'stable' }.wanted"));
        JsonPath revisions = Api.call("describeRevisions", "{}").statusCode(200).extract().jsonPath();
        assertEquals(List.of(shop), revisions.getList("revisions.find { it.revision == '" + NEW
                + "' }.clusters.find { it.cluster == 'canary' }.namespaces"));
        assertEquals(true, revisions.getBoolean("revisions.find { it.revision == '" + NEW + "' }.inUse"));
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    void theMeshAndTheRevisionsAreReadAtOnceAfterTheClusters() {
        canary.latency(SLOW);
        stable.latency(SLOW);
        ConsolePage page = open();
        assertNull(page.notice());
        assertEquals(List.of("canary", "stable"), page.clusterColumns());
        assertEquals(List.of(OLD, NEW), page.revisions().revisions());

        List<ConsolePage.Call> calls = page.calls();
        assertEquals(List.of("describeMesh", "describeRevisions", "listClusters"),
                calls.stream().map(ConsolePage.Call::function).sorted().toList(), "one read of each: " + calls);
        ConsolePage.Call clusters = call(calls, "listClusters");
        ConsolePage.Call mesh = call(calls, "describeMesh");
        ConsolePage.Call revisions = call(calls, "describeRevisions");
        // Both read every data plane, so each takes at least their latency.
        assertTrue(mesh.answered() - mesh.sent() >= SLOW.toMillis() && revisions.answered() - revisions.sent() >= SLOW.toMillis(),
                "slow reads: " + calls);
        assertTrue(mesh.sent() >= clusters.answered() && revisions.sent() >= clusters.answered(), "the clusters first: " + calls);
        assertTrue(revisions.sent() < mesh.answered() && mesh.sent() < revisions.answered(),
                "describeMesh and describeRevisions under way together: " + calls);
    }

    @Test
    void refreshesAskedForWhileOneRunsWaitForItAndAreReadOnceTogether() {
        ConsolePage page = open();
        canary.latency(SLOW);
        stable.latency(SLOW);
        page.forgetCalls().refreshRepeatedly(3);
        assertNull(page.notice());
        assertEquals(List.of(OLD, NEW), page.revisions().revisions());

        // The first click's read, then one more for the two clicks made while it ran, started once it was shown.
        List<ConsolePage.Call> calls = page.calls();
        assertEquals(6, calls.size(), "two reads of everything: " + calls);
        List<ConsolePage.Call> first = calls.subList(0, 3);
        List<ConsolePage.Call> second = calls.subList(3, 6);
        for (List<ConsolePage.Call> read : List.of(first, second)) {
            assertEquals(List.of("describeMesh", "describeRevisions", "listClusters"),
                    read.stream().map(ConsolePage.Call::function).sorted().toList(), "one read of each: " + calls);
        }
        double firstEnded = first.stream().mapToDouble(ConsolePage.Call::answered).max().orElseThrow();
        double secondStarted = second.stream().mapToDouble(ConsolePage.Call::sent).min().orElseThrow();
        assertTrue(secondStarted >= firstEnded, "the second read starts after the first has ended: " + calls);
    }

    private static ConsolePage.Call call(List<ConsolePage.Call> calls, String function) {
        return calls.stream().filter(c -> c.function().equals(function)).findFirst().orElseThrow();
    }

    @Test
    void aClusterThatCannotBeReadIsAWarningAndNoRevisionIsCalledSafeWithoutIt() {
        Mesh.register("stopped", "http://127.0.0.1:1");
        RevisionsView view = open().revisions();
        String warning = view.unreachable();
        assertTrue(warning != null && warning.contains("stopped"), String.valueOf(warning));
        String heading = view.heading(NEW);
        assertTrue(heading.contains("not in use") && heading.contains("check the unreachable ones first"), heading);
    }

    @Test
    void restartingANamespaceInTheRingRollsItsWorkloadsThereOnlyAndLeavesTheBarePod() {
        canaryRingOnTheNewRevisionWithPodsToRestartEverywhere();
        Map<String, Long> generations = generations();
        RevisionsView view = open().revisions();
        assertEquals(List.of(shop), view.namespaces(NEW, "canary"));

        ChangeDialog restart = view.restart(NEW, "canary", shop).ring("canary");
        assertEquals("Restart workloads of " + shop, restart.title());
        assertFalse(restart.canApply(), "nothing to apply before a preview");
        restart.preview();
        assertEquals("Preview: nothing has changed yet", restart.resultHeading(), restart.text());
        assertEquals(List.of("canary"), restart.outcomeClusters(), "only the ring is asked: " + restart.text());
        assertEquals("changed", restart.outcome("canary"), restart.text());
        assertEquals(List.of("Deployment/web", "StatefulSet/db"), restart.restarted("canary"), restart.text());
        Map<String, String> skipped = restart.skipped("canary");
        assertEquals(List.of("Pod/debug"), List.copyOf(skipped.keySet()), restart.text());
        assertTrue(skipped.get("Pod/debug").contains("never deletes pods"), "why: " + skipped);
        browser.screenshot("revisions-restart-preview");
        // A preview changes nothing in any data plane.
        for (MockApiServer server : List.of(canary, stable)) {
            assertNull(restartedAt(web(server)), "web after a preview");
            assertNull(restartedAt(db(server)), "db after a preview");
        }
        assertEquals(generations, generations(), "a preview starts no rollout");

        assertTrue(restart.canApply());
        restart.apply();
        assertEquals("Done", restart.resultHeading(), restart.text());
        assertEquals(List.of("canary"), restart.outcomeClusters(), restart.text());
        assertEquals("applied", restart.outcome("canary"), restart.text());
        assertEquals(List.of("Deployment/web", "StatefulSet/db"), restart.restarted("canary"), restart.text());
        assertEquals(List.of("Pod/debug"), List.copyOf(restart.skipped("canary").keySet()), restart.text());
        browser.screenshot("revisions-restart-done");
        restart.close();

        // The ring's Deployment and StatefulSet roll as kubectl rollout restart makes them; stable is as it was.
        assertNotNull(restartedAt(web(canary)), "web in canary");
        assertNotNull(restartedAt(db(canary)), "db in canary");
        assertEquals(generations.get("canary Deployment/web") + 1, web(canary).getMetadata().getGeneration(), "a new rollout of web");
        assertEquals(generations.get("canary StatefulSet/db") + 1, db(canary).getMetadata().getGeneration(), "a new rollout of db");
        assertNull(restartedAt(web(stable)), "web outside the ring");
        assertNull(restartedAt(db(stable)), "db outside the ring");
        assertEquals(generations.get("stable Deployment/web"), web(stable).getMetadata().getGeneration());
        assertEquals(generations.get("stable StatefulSet/db"), db(stable).getMetadata().getGeneration());
        assertNotNull(canary.client().pods().inNamespace(shop).withName("debug").get(), "meshns deletes no pod");
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    void aRingChosenByItsLabelsIsRestartedThereOnlyAndASelectorMatchingNoClusterIsRefused() {
        canaryRingOnTheNewRevisionWithPodsToRestartEverywhere();
        Map<String, Long> generations = generations();
        ChangeDialog restart = open().revisions().restart(NEW, "canary", shop);

        restart.selector("ring=nowhere").preview();
        String error = restart.error();
        assertTrue(error != null && error.contains("ring=nowhere"), restart.text());
        assertFalse(restart.canApply(), "nothing to apply after a refusal");
        browser.screenshot("revisions-restart-selector-refused");

        restart.selector("ring=canary").preview();
        assertEquals("Preview: nothing has changed yet", restart.resultHeading(), restart.text());
        assertEquals(List.of("canary"), restart.outcomeClusters(), "the selector's clusters only: " + restart.text());
        assertEquals(List.of("Deployment/web", "StatefulSet/db"), restart.restarted("canary"), restart.text());
        assertEquals(List.of("Pod/debug"), List.copyOf(restart.skipped("canary").keySet()), restart.text());
        assertEquals(generations, generations(), "a preview starts no rollout");
        assertNull(restartedAt(web(canary)), "web after a preview");

        restart.apply();
        assertEquals("Done", restart.resultHeading(), restart.text());
        assertEquals(List.of("canary"), restart.outcomeClusters(), restart.text());
        assertEquals("applied", restart.outcome("canary"), restart.text());
        assertNotNull(restartedAt(web(canary)), "web in canary");
        assertNotNull(restartedAt(db(canary)), "db in canary");
        assertNull(restartedAt(web(stable)), "web outside the ring");
        assertNull(restartedAt(db(stable)), "db outside the ring");
        assertEquals(generations.get("stable Deployment/web"), web(stable).getMetadata().getGeneration());
        assertEquals(List.of(), browser.consoleErrors());
    }

    /**
     * The canary ring moved to the new revision, its pods still on the old proxy; stable's pods started
     * before injection was on there, so a restart that reached stable would roll its workloads too.
     */
    private void canaryRingOnTheNewRevisionWithPodsToRestartEverywhere() {
        workloads(canary.client(), OLD);
        workloads(stable.client(), null);
        Api.call("migrateRevision", "{\"from\": \"" + OLD + "\", \"to\": \"" + NEW + "\", \"clusterSelector\": \"ring=canary\"}")
                .statusCode(200);
    }

    /**
     * Deployment web and StatefulSet db, a pod of each, and the bare pod debug, their proxies those of
     * {@code revision} (null: no proxy). Canary's pod of web is the set-up's web-1-a.
     */
    private void workloads(KubernetesClient client, String revision) {
        client.apps().deployments().inNamespace(shop).resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withTemplate(template("web")).endSpec().build()).create();
        client.apps().statefulSets().inNamespace(shop).resource(new StatefulSetBuilder().withNewMetadata().withName("db")
                .endMetadata().withNewSpec().withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
                .withTemplate(template("db")).endSpec().build()).create();
        if (client.pods().inNamespace(shop).withName("web-1-a").get() == null) {
            client.pods().inNamespace(shop).resource(pod("web-1-a", revision).editMetadata().addToLabels("pod-template-hash", "1")
                    .addNewOwnerReference().withKind("ReplicaSet").withName("web-1").withController(true).endOwnerReference()
                    .endMetadata().build()).create();
        }
        client.pods().inNamespace(shop).resource(pod("db-0", revision).editMetadata().addNewOwnerReference()
                .withKind("StatefulSet").withName("db").withController(true).endOwnerReference().endMetadata().build()).create();
        client.pods().inNamespace(shop).resource(pod("debug", revision).build()).create();
    }

    private static PodTemplateSpec template(String app) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata().withNewSpec()
                .addNewContainer().withName("app").endContainer().endSpec().build();
    }

    /** A pod with the proxy of {@code revision}, or without a proxy when it is null. */
    private PodBuilder pod(String name, String revision) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(shop).endMetadata().withNewSpec()
                .addNewContainer().withName("app").endContainer().endSpec();
        if (revision != null) {
            pod.editMetadata().addToLabels("istio.io/rev", revision).endMetadata().editSpec().addNewContainer()
                    .withName("istio-proxy").endContainer().endSpec();
        }
        return pod;
    }

    private Deployment web(MockApiServer server) {
        return server.client().apps().deployments().inNamespace(shop).withName("web").get();
    }

    private StatefulSet db(MockApiServer server) {
        return server.client().apps().statefulSets().inNamespace(shop).withName("db").get();
    }

    /** What kubectl rollout restart sets on a workload's pod template, or null. */
    private static String restartedAt(Deployment deployment) {
        return restartedAt(deployment.getSpec().getTemplate());
    }

    private static String restartedAt(StatefulSet statefulSet) {
        return restartedAt(statefulSet.getSpec().getTemplate());
    }

    private static String restartedAt(PodTemplateSpec template) {
        Map<String, String> annotations = template.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(RESTARTED_AT);
    }

    /** The generation of web and db in each data plane, by "cluster Kind/name". */
    private Map<String, Long> generations() {
        Map<String, Long> generations = new java.util.TreeMap<>();
        for (Map.Entry<String, MockApiServer> server : Map.of("canary", canary, "stable", stable).entrySet()) {
            generations.put(server.getKey() + " Deployment/web", web(server.getValue()).getMetadata().getGeneration());
            generations.put(server.getKey() + " StatefulSet/db", db(server.getValue()).getMetadata().getGeneration());
        }
        return generations;
    }

    /** The injection labels of the rev-shop namespace in one API server (without the name label an API server adds). */
    private Map<String, String> injection(KubernetesClient client) {
        Map<String, String> labels = new java.util.TreeMap<>(Mesh.labels(client, shop));
        labels.remove("kubernetes.io/metadata.name");
        return labels;
    }
}
