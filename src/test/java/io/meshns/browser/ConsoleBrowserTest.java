package io.meshns.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.Api;
import io.meshns.testing.GatedProxy;
import io.meshns.testing.GatedProxy.Step;
import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.browser.Browser;
import io.meshns.testing.browser.InBrowser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The console in headless Chromium against a control plane and two data planes: what a person sees and does. */
@InBrowser
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class ConsoleBrowserTest extends BrowserSession {

    @BeforeEach
    void twoClustersWithTheDefaultInjector() {
        Mesh.register("east", MeshServers.east.url());
        Mesh.register("west", MeshServers.west.url());
        for (KubernetesClient dataPlane : List.of(MeshServers.east.client(), MeshServers.west.client())) {
            webhook(dataPlane, "istio-sidecar-injector", Map.of());
        }
        browser.viewport(Browser.DESKTOP);
    }

    @AfterEach
    void deregister() {
        Mesh.deregisterAll();
    }

    private static KubernetesClient cp() {
        return MeshServers.controlPlane.client();
    }

    private static KubernetesClient east() {
        return MeshServers.east.client();
    }

    private static KubernetesClient west() {
        return MeshServers.west.client();
    }

    private static void webhook(KubernetesClient cluster, String name, Map<String, String> labels) {
        var webhooks = cluster.admissionRegistration().v1().mutatingWebhookConfigurations();
        if (webhooks.withName(name).get() == null) {
            webhooks.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(name).withLabels(labels)
                    .endMetadata().build()).create();
        }
    }

    private static void namespace(KubernetesClient cluster, String name, Map<String, String> labels) {
        if (cluster.namespaces().withName(name).get() == null) {
            Mesh.createNamespace(cluster, name, labels);
        }
    }

    private static void label(KubernetesClient cluster, String namespace, String key, String value) {
        cluster.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns).editMetadata().addToLabels(key, value)
                .endMetadata().build());
    }

    /** A missing value must never reach the page as the words null or undefined. */
    private static void assertNoPlaceholder(String text) {
        assertFalse(text.matches("(?s).*\\b(null|undefined|NaN)\\b.*"), text);
    }

    private ConsolePage open() {
        try {
            return ConsolePage.open(browser.driver(), base);
        } catch (org.openqa.selenium.TimeoutException e) {
            browser.screenshot("failed-to-load");
            throw new AssertionError("the console did not finish loading; browser console: " + browser.consoleErrors()
                    + "; page: " + browser.driver().findElement(By.tagName("body")).getText(), e);
        }
    }

    @Test
    void theGridShowsEachCellsLiveStateAfterAHandEditInOneCluster() {
        namespace(cp(), "grid-shop", Map.of("istio-injection", "enabled"));
        namespace(east(), "grid-shop", Map.of("istio-injection", "enabled"));
        namespace(west(), "grid-shop", Map.of("istio-injection", "enabled"));
        namespace(cp(), "grid-legacy", Map.of());
        namespace(east(), "grid-legacy", Map.of());
        // By hand, behind meshns' back: west's shop is no longer injected.
        label(west(), "grid-shop", "istio-injection", "disabled");
        // Also by hand, in a namespace meshns does not manage: reconcile leaves it alone, so it is no drift.
        label(east(), "grid-legacy", "istio-injection", "enabled");

        ConsolePage page = open();
        assertNull(page.notice());
        assertTrue(page.gridSource().startsWith("Live state"), page.gridSource());
        assertEquals(List.of("east", "west"), page.clusterColumns());
        assertEquals("enabled", page.controlPlaneMode("grid-shop"));
        assertEquals(new ConsolePage.Cell("in-sync", "in sync enabled"), page.cell("grid-shop", "east"));
        ConsolePage.Cell west = page.cell("grid-shop", "west");
        assertEquals("drifted", west.state(), west.text());
        assertTrue(west.text().contains("disabled") && west.text().contains("wants enabled"), west.text());
        assertEquals("absent", page.cell("grid-legacy", "west").state());
        ConsolePage.Cell legacy = page.cell("grid-legacy", "east");
        assertEquals(new ConsolePage.Cell("unmanaged", "unmanaged enabled"), legacy, "no drift and nothing wanted");
        browser.screenshot("grid-after-hand-edit");

        // Filters: by state, then by name.
        page.filterByState("drifted somewhere");
        assertEquals(List.of("grid-shop"), page.namespaces().stream().filter(n -> n.startsWith("grid-")).toList());
        page.filterByState("in sync everywhere");
        assertEquals(List.of(), page.namespaces().stream().filter(n -> n.startsWith("grid-")).toList());
        page.filterByState("not managed by meshns");
        assertEquals(List.of("grid-legacy"), page.namespaces().stream().filter(n -> n.startsWith("grid-")).toList());
        page.filterByState("any").filterByName("legacy");
        assertEquals(List.of("grid-legacy"), page.namespaces());

        // Repaired by hand again, a refresh shows it.
        label(west(), "grid-shop", "istio-injection", "enabled");
        page.filterByName("").refresh();
        assertEquals("in-sync", page.cell("grid-shop", "west").state());
    }

    /**
     * The control plane with none of the other tests' namespaces, so that counts over the whole mesh
     * are this test's: the same-named data-plane namespaces stay, and a test that needs its own
     * namespace again makes it again.
     */
    private static void onlyThisTestsNamespaces() {
        java.util.Set<String> kept = java.util.Set.of("meshns-system", "kube-system", "kube-public", "kube-node-lease",
                "istio-system", "default");
        cp().namespaces().list().getItems().stream().map(ns -> ns.getMetadata().getName()).filter(name -> !kept.contains(name))
                .forEach(name -> cp().namespaces().withName(name).delete());
    }

    /** A cluster whose API server refuses every connection. */
    private static void registerAStoppedCluster() {
        Mesh.register("stopped", "http://127.0.0.1:1");
    }

    @Test
    void theSummaryCountsWhatIsWrongAndACountFiltersTheGrid() {
        onlyThisTestsNamespaces();
        namespace(cp(), "sum-shop", Map.of("istio-injection", "enabled"));
        namespace(east(), "sum-shop", Map.of("istio-injection", "enabled"));
        namespace(west(), "sum-shop", Map.of("istio-injection", "enabled"));
        namespace(cp(), "sum-cart", Map.of("istio-injection", "enabled"));
        namespace(east(), "sum-cart", Map.of("istio-injection", "enabled"));
        namespace(cp(), "sum-legacy", Map.of());
        namespace(east(), "sum-legacy", Map.of());
        // By hand in west: shop is no longer injected there. And one cluster cannot be reached at all.
        label(west(), "sum-shop", "istio-injection", "disabled");
        registerAStoppedCluster();

        ConsolePage page = open();
        String summary = page.summary();
        // west: shop drifted, cart and legacy absent; stopped: all three unreachable; east: legacy unmanaged.
        for (String count : List.of("1 drifted", "3 unreachable", "2 absent", "1 unmanaged")) {
            assertTrue(summary.contains(count), count + " in: " + summary);
        }
        assertFalse(summary.contains("All clear"), summary);
        assertEquals(List.of("drifted", "unreachable", "absent", "unmanaged"), page.countedStates(), summary);
        assertNoPlaceholder(summary);
        browser.screenshot("summary-drifted-and-unreachable");

        page.clickCount("drifted");
        assertEquals("drifted somewhere", page.stateFilter());
        assertEquals(List.of("sum-shop"), page.namespaces());
        page.clickCount("unreachable");
        assertEquals(List.of("sum-cart", "sum-legacy", "sum-shop"), page.namespaces());
        // The count of the filter in force gives every row back.
        page.clickCount("unreachable");
        assertEquals("any", page.stateFilter());
        assertEquals(3, page.namespaces().size());

        // Repaired by hand and the stopped cluster gone: nothing is wrong, absent and unmanaged are no problem.
        label(west(), "sum-shop", "istio-injection", "enabled");
        Api.call("deregisterCluster", "{\"name\": \"stopped\"}").statusCode(200);
        summary = page.refresh().summary();
        assertTrue(summary.contains("All clear"), summary);
        assertEquals(List.of("absent", "unmanaged"), page.countedStates(), summary);
        assertTrue(summary.contains("2 absent") && summary.contains("1 unmanaged"), summary);
    }

    @Test
    void eachClusterSaysWhetherItIsReachableWithItsWholeErrorAndItsInjectorRevisions() {
        namespace(cp(), "reach-me", Map.of("istio-injection", "enabled"));
        namespace(east(), "reach-me", Map.of("istio-injection", "enabled"));
        // 1-26-0 is installed in west only.
        webhook(west(), "istio-sidecar-injector-1-26-0", Map.of("istio.io/rev", "1-26-0"));
        registerAStoppedCluster();
        String error = Api.call("describeMesh", "{\"namespace\": \"reach-me\"}").statusCode(200).extract().jsonPath()
                .getString("namespaces[0].clusters.find { it.cluster == 'stopped' }.message");

        ConsolePage page = open();
        assertTrue(page.columnHeader("stopped").contains("unreachable"), page.columnHeader("stopped"));
        assertFalse(page.columnHeader("east").contains("unreachable"), page.columnHeader("east"));
        ConsolePage.ClusterRow stopped = page.clusterRow("stopped");
        assertTrue(stopped.reachability().startsWith("unreachable"), stopped.toString());
        assertEquals(error, page.clusterMessage("stopped"), "the cluster's error, whole");
        assertEquals(error, page.cellMessage("reach-me", "stopped"), "the cell's error, whole");
        assertTrue(page.clusterRow("east").reachability().startsWith("reachable"), page.clusterRow("east").toString());

        String west = page.clusterRow("west").injectors();
        assertTrue(west.contains("1-26-0") && west.contains("1-24-0") && west.contains("default"), west);
        String east = page.clusterRow("east").injectors();
        assertTrue(east.contains("1-24-0") && east.contains("default") && !east.contains("1-26-0"), east);
        assertTrue(page.columnHeader("west").contains("1-26-0"), page.columnHeader("west"));
        assertFalse(page.clusterRow("stopped").injectors().contains("default"), "nothing is known of a cluster not read");
        browser.screenshot("clusters-reachability-and-injectors");
    }

    @Test
    void aCellCountsItsPodsToRestartAndNamesTheirWorkloads() {
        onlyThisTestsNamespaces();
        namespace(cp(), "restart-me", Map.of("istio-injection", "enabled"));
        namespace(east(), "restart-me", Map.of("istio-injection", "enabled"));
        // Started before injection was enabled: no proxy.
        east().pods().inNamespace("restart-me").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("web-1-a").withNamespace("restart-me").addToLabels("pod-template-hash", "1").addNewOwnerReference()
                .withKind("ReplicaSet").withName("web-1").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build()).createOr(p -> p.update());

        ConsolePage page = open();
        ConsolePage.Restart restart = page.cellRestart("restart-me", "east");
        assertTrue(restart != null && restart.count().equals("↻ 1"), String.valueOf(restart));
        assertTrue(restart.tooltip().contains("Deployment/web"), restart.tooltip());
        assertTrue(restart.workloads().contains("Deployment/web"), restart.workloads());
        assertNull(page.cellRestart("restart-me", "west"), "nothing to restart where the namespace is absent");
        assertTrue(page.summary().contains("1 pod to restart"), page.summary());
    }

    @Test
    void timesAreReadableWithTheExactOneOnHoverAndTheLastRepairIsShown() {
        namespace(cp(), "timed", Map.of("istio-injection", "enabled"));
        namespace(east(), "timed", Map.of());
        Api.call("reconcile", "{\"namespace\": \"timed\"}").statusCode(200);
        String lastRepair = Api.call("describeMesh", "{}").statusCode(200).extract().jsonPath().getString("lastRepair");

        ConsolePage page = open();
        ConsolePage.Time repaired = page.lastRepair();
        assertTrue(repaired != null, page.summary());
        assertEquals(lastRepair, repaired.title(), "the exact time on hover");
        assertReadable(repaired);
        assertTrue(page.summary().contains("Last repair"), page.summary());

        List<ConsolePage.Time> times = page.historyDialog("timed").times();
        assertFalse(times.isEmpty());
        ConsolePage.Time change = times.get(0);
        assertTrue(change.title().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), change.title());
        assertReadable(change);
        // No time anywhere on the page is shown to the nanosecond, nor as ISO-8601.
        String text = page.visibleText();
        assertFalse(text.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d+.*"), text);
        assertFalse(text.matches("(?s).*\\d{4}-\\d\\d-\\d\\dT\\d\\d.*"), text);
        browser.screenshot("history-times");
    }

    /** A time shown as a person reads it in this browser's locale (en-US): month, day and minute, no ISO-8601. */
    private static void assertReadable(ConsolePage.Time time) {
        java.time.ZonedDateTime local = java.time.Instant.parse(time.title()).atZone(java.time.ZoneId.systemDefault());
        String month = local.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.US);
        assertTrue(time.text().contains(month) && time.text().contains(String.valueOf(local.getDayOfMonth()))
                && time.text().contains(String.format(":%02d", local.getMinute())), time + " read as " + local);
        assertFalse(time.text().matches(".*\\d{4}-\\d\\d-\\d\\d.*|.*Z$"), time.text());
    }

    @Test
    void theLegendSaysWhatEachStateAndUnsetMean() {
        String legend = open().legend();
        for (String word : List.of("in sync", "drifted", "absent", "unreachable", "unmanaged", "unset",
                "no injection label: the mesh-wide default applies", "↻")) {
            assertTrue(legend.contains(word), word + " in: " + legend);
        }
    }

    @Test
    void enablingShowsThePreviewThenAppliesAndTheDataPlaneLabelsChange() {
        namespace(cp(), "preview-me", Map.of());
        namespace(east(), "preview-me", Map.of("team", "a"));
        namespace(west(), "preview-me", Map.of());

        ConsolePage page = open();
        ChangeDialog change = page.change("preview-me").mode("enabled");
        assertFalse(change.canApply(), "nothing to apply before a preview");
        change.preview();
        assertEquals("Preview: nothing has changed yet", change.resultHeading(), change.text());
        assertNoPlaceholder(change.text());
        assertEquals("changed", change.outcome("east"));
        assertEquals("changed", change.outcome("west"));
        assertEquals(Map.of("team", "a"), Mesh.labels(east(), "preview-me"), "a preview changes nothing");
        assertNull(Mesh.labels(cp(), "preview-me").get("istio-injection"));
        browser.screenshot("enable-preview");

        assertTrue(change.canApply());
        change.apply();
        assertEquals("Done", change.resultHeading(), change.text());
        assertEquals("applied", change.outcome("east"));
        assertEquals(Map.of("team", "a", "istio-injection", "enabled"), Mesh.labels(east(), "preview-me"));
        assertEquals(Map.of("istio-injection", "enabled"), Mesh.labels(west(), "preview-me"));
        browser.screenshot("enable-applied");
        change.close();
        assertEquals("enabled", page.controlPlaneMode("preview-me"));
        assertEquals("in-sync", page.cell("preview-me", "east").state());
    }

    @Test
    void ambientForOneChosenClusterChangesOnlyThatCluster() {
        namespace(cp(), "one-cluster", Map.of());
        namespace(east(), "one-cluster", Map.of());
        namespace(west(), "one-cluster", Map.of());

        ConsolePage page = open();
        ChangeDialog change = page.change("one-cluster").mode("ambient").onlyClusters("west").preview();
        assertEquals("changed", change.outcome("west"), change.text());
        assertEquals(List.of("west"), change.outcomeClusters(), "only the chosen cluster is involved");
        change.apply();
        assertEquals("applied", change.outcome("west"), change.text());
        assertEquals(Map.of("istio.io/dataplane-mode", "ambient"), Mesh.labels(west(), "one-cluster"));
        assertEquals(Map.of(), Mesh.labels(east(), "one-cluster"));
        assertEquals(Map.of(), Mesh.labels(cp(), "one-cluster"), "a per-cluster change leaves the control plane as it is");
        change.close();
        ConsolePage.Cell west = page.cell("one-cluster", "west");
        assertEquals("in-sync", west.state(), west.text());
        assertTrue(west.text().contains("ambient") && west.text().contains("own setting"), west.text());
        assertEquals("in-sync", page.cell("one-cluster", "east").state());
    }

    @Test
    void editingTheFormAfterAPreviewTakesApplyAway() {
        namespace(cp(), "edited", Map.of());
        namespace(east(), "edited", Map.of());

        ChangeDialog change = open().change("edited").mode("disabled").preview();
        assertTrue(change.canApply(), change.text());
        change.mode("enabled");
        assertFalse(change.canApply(), "the preview was for another change");
        assertEquals(Map.of(), Mesh.labels(east(), "edited"));
    }

    @Test
    void focusingTheRevisionFieldChoosesThatModeAndTakesApplyAway() {
        namespace(cp(), "refocused", Map.of());
        namespace(east(), "refocused", Map.of());

        ChangeDialog change = open().change("refocused").mode("enabled").preview();
        assertTrue(change.canApply(), change.text());
        browser.driver().findElement(By.id("change-revision")).click();
        assertTrue(browser.driver().findElement(By.id("change-mode-revision")).isSelected());
        assertFalse(change.canApply(), "the form now shows another mode than the preview's");
        assertEquals(Map.of(), Mesh.labels(east(), "refocused"));
    }

    /**
     * The form is edited while its preview is on its way (west's answer held at a proxy): that
     * preview's answer must neither show itself as the preview nor bring Apply back, or Apply would
     * send the change the form no longer shows.
     */
    @Test
    void anEditWhileThePreviewIsOnItsWayKeepsApplyAwayFromThatPreview() throws Exception {
        namespace(cp(), "raced", Map.of());
        namespace(east(), "raced", Map.of());
        namespace(west(), "raced", Map.of());
        try (GatedProxy proxy = new GatedProxy(MeshServers.west.port())) {
            Api.call("deregisterCluster", "{\"name\": \"west\"}").statusCode(200);
            Mesh.register("west", proxy.url());
            ConsolePage page = open();
            ChangeDialog change = page.change("raced").mode("disabled");

            CountDownLatch gate = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            proxy.rule((method, path) -> path.startsWith("/api/v1/namespaces/raced") && first.getAndSet(false)
                    ? Step.hold(gate) : Step.forward());
            change.startPreview();
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> proxy.awaitHeld(1), "the preview never reached west");
            change.mode("enabled");
            assertFalse(page.idle(), "the edit must come while the preview is on its way");
            gate.countDown();
            page.waitIdle();

            assertFalse(change.canApply(), "the answer is about disabling, the form says enable: " + change.text());
            assertNull(change.resultHeading(), "the superseded answer is not shown as the preview: " + change.text());
            assertTrue(change.text().contains("The form changed"), change.text());
            assertEquals(Map.of(), Mesh.labels(west(), "raced"));

            // Previewed again, Apply sends what the form says.
            change.preview();
            assertEquals("Preview: nothing has changed yet", change.resultHeading(), change.text());
            assertEquals("changed", change.outcome("west"), change.text());
            change.apply();
            assertEquals("applied", change.outcome("west"), change.text());
            assertEquals(Map.of("istio-injection", "enabled"), Mesh.labels(cp(), "raced"));
            assertEquals(Map.of("istio-injection", "enabled"), Mesh.labels(east(), "raced"));
            assertEquals(Map.of("istio-injection", "enabled"), Mesh.labels(west(), "raced"));
        }
    }

    @Test
    void aRefusedRevisionShowsTheClustersWithoutItsInjector() {
        namespace(cp(), "canary", Map.of());
        namespace(east(), "canary", Map.of());
        namespace(west(), "canary", Map.of());
        // Revision 1-25-0 is installed in east only.
        webhook(east(), "istio-sidecar-injector-1-25-0", Map.of("istio.io/rev", "1-25-0"));

        ChangeDialog change = open().change("canary").mode("revision").revision("1-25-0").preview();
        String error = change.error();
        assertTrue(error != null && error.contains("west") && error.contains("1-25-0"), change.text());
        assertFalse(error.contains("east"), "east has the injector: " + error);
        assertFalse(change.canApply(), "a refused change cannot be applied");
        browser.screenshot("revision-refused");
        assertEquals(Map.of(), Mesh.labels(west(), "canary"));
        assertEquals(Map.of(), Mesh.labels(east(), "canary"));

        // The person may still choose to go ahead, knowingly.
        change.previewAnyway();
        assertTrue(change.text().contains("The injector check is skipped"), change.text());
        assertEquals("changed", change.outcome("west"));
        assertEquals(Map.of(), Mesh.labels(west(), "canary"));
        change.apply();
        assertEquals("applied", change.outcome("west"), change.text());
        assertEquals(Map.of("istio.io/rev", "1-25-0"), Mesh.labels(west(), "canary"));
    }

    @Test
    void createsAndDeletesANamespaceAfterPreviews() {
        ConsolePage page = open();
        browser.driver().findElement(By.id("create-namespace")).click();
        ChangeDialog create = new ChangeDialog(browser.driver(), page).waitOpen();
        browser.driver().findElement(By.id("create-name")).sendKeys("from-console");
        browser.driver().findElement(By.id("create-labels")).sendKeys("team=console");
        create.preview();
        assertTrue(create.text().contains("Would create from-console"), create.text());
        assertNull(cp().namespaces().withName("from-console").get());
        create.apply();
        assertEquals("console", Mesh.labels(cp(), "from-console").get("team"));
        create.close();

        ChangeDialog delete = page.delete("from-console").preview();
        assertTrue(delete.text().contains("Would delete from-console"), delete.text());
        assertTrue(cp().namespaces().withName("from-console").get() != null);
        delete.apply();
        assertTrue(delete.text().contains("Deleted from-console"), delete.text());
        delete.close();
        assertFalse(page.namespaces().contains("from-console"));
    }

    @Test
    void reconcileShowsItsResultsPerCluster() {
        namespace(cp(), "repair-me", Map.of("istio-injection", "enabled"));
        namespace(east(), "repair-me", Map.of());

        ChangeDialog reconcile = open().reconcile("repair-me").preview();
        assertEquals("changed", reconcile.outcome("east"), reconcile.text());
        assertNoPlaceholder(reconcile.text());
        assertEquals(Map.of(), Mesh.labels(east(), "repair-me"));
        reconcile.apply();
        assertEquals("applied", reconcile.outcome("east"), reconcile.text());
        assertEquals(Map.of("istio-injection", "enabled"), Mesh.labels(east(), "repair-me"));
    }

    @Test
    void aNamespacesHistoryShowsItsChanges() {
        namespace(cp(), "remembered", Map.of());
        namespace(east(), "remembered", Map.of());
        ConsolePage page = open();
        page.change("remembered").mode("disabled").preview().apply().close();

        String history = page.history("remembered");
        assertTrue(history.contains("Changes, newest first"), history);
        assertFalse(history.contains("does not report history"), history);
        assertTrue(history.contains("east: applied"), history);
    }

    @Test
    void registeringAClusterSendsItsTokenOnceAndForgetsIt() {
        namespace(cp(), "reg-ns", Map.of());
        ConsolePage page = open();
        browser.driver().findElement(By.id("register-cluster")).click();
        ChangeDialog register = new ChangeDialog(browser.driver(), page).waitOpen();
        browser.driver().findElement(By.id("register-name")).sendKeys("north");
        browser.driver().findElement(By.id("register-server")).sendKeys(MeshServers.west.url());
        browser.driver().findElement(By.id("register-token")).sendKeys("north-secret-token");
        browser.driver().findElement(By.cssSelector("#dialog button.primary")).click();
        page.waitIdle();

        assertTrue(register.text().contains("Registered north"), register.text());
        assertNoPlaceholder(register.text());
        assertEquals("", browser.driver().findElement(By.id("register-token")).getAttribute("value"));
        assertFalse(browser.driver().getPageSource().contains("north-secret-token"), "the token is nowhere on the page");
        register.close();
        assertTrue(page.clusters().contains("north"), page.clusters().toString());

        browser.driver().findElement(By.cssSelector("#clusters button[aria-label='Deregister north']")).click();
        ChangeDialog deregister = new ChangeDialog(browser.driver(), page).waitOpen().preview().apply();
        assertTrue(deregister.text().contains("Deregistered north"), deregister.text());
        deregister.close();
        assertFalse(page.clusters().contains("north"));
    }

    @Test
    void theMastheadLinksEachView() {
        ConsolePage page = open();
        Map<String, String> views = page.views();
        assertEquals(List.of("Namespaces", "Clusters", "Revisions"), List.copyOf(views.keySet()));
        assertEquals("Namespaces", page.sectionHeading(views.get("Namespaces")));
        assertEquals("Data-plane clusters", page.sectionHeading(views.get("Clusters")));
        assertEquals("Istio revisions", page.sectionHeading(views.get("Revisions")));
    }

    @Test
    void thePageLoadsWithoutAConsoleErrorAndFitsAPhone() {
        namespace(cp(), "phone-a", Map.of("istio-injection", "enabled"));
        ConsolePage page = open();
        browser.screenshot("desktop-1280x800");
        List<String> errors = browser.consoleErrors();
        assertEquals(List.of(), errors, "no CSP violation, no script error, nothing failed to load");

        browser.viewport(Browser.PHONE);
        page.refresh();
        browser.screenshot("phone-390x844");
        Number pageWidth = (Number) browser.driver().executeScript("return document.documentElement.scrollWidth");
        Object wide = browser.driver().executeScript("return [...document.querySelectorAll('body *')]"
                + ".filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))");
        assertTrue(pageWidth.intValue() <= Browser.PHONE.width, "the page scrolls sideways on a phone: " + pageWidth + "px, " + wide);
        assertTrue(browser.driver().findElement(By.id("refresh")).isDisplayed());
        page.change("phone-a");
        browser.screenshot("phone-change-dialog");
        assertEquals(List.of(), browser.consoleErrors());
    }

    @Test
    void everyControlCanBeReachedWithTheKeyboardAndHasALabel() {
        namespace(cp(), "keys", Map.of());
        ConsolePage page = open().filterByName("keys");
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.driver().executeScript(
                "return [...document.querySelectorAll('input, select, textarea, button')]"
                        + ".filter(e => !e.closest('dialog:not([open])'))"
                        + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
                        + ".map(e => e.outerHTML)");
        assertEquals(List.of(), unlabelled);
        // Tab from the name filter reaches the row's actions, and Enter opens the dialog.
        org.openqa.selenium.WebElement focused = null;
        for (int i = 0; i < 10; i++) {
            browser.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
            focused = browser.driver().switchTo().activeElement();
            if ("Change injection of keys".equals(focused.getAttribute("aria-label"))) {
                break;
            }
        }
        assertEquals("Change injection of keys", focused.getAttribute("aria-label"));
        focused.sendKeys(org.openqa.selenium.Keys.ENTER);
        ChangeDialog change = new ChangeDialog(browser.driver(), page).waitOpen();
        assertEquals("Change keys", change.title());
        browser.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
    }
}
