package io.meshns.browser;

import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The action dialog: a change's form (injection mode, revision, clusters), its preview, the real
 * outcome, or the API's refusal. The same screen serves create, delete, reconcile and history.
 */
public class ChangeDialog {

    private final WebDriver driver;
    private final ConsolePage page;

    ChangeDialog(WebDriver driver, ConsolePage page) {
        this.driver = driver;
        this.page = page;
    }

    ChangeDialog waitOpen() {
        new WebDriverWait(driver, ConsolePage.PATIENCE).until(d -> dialog().isDisplayed());
        return this;
    }

    private WebElement dialog() {
        return driver.findElement(By.id("dialog"));
    }

    String title() {
        return driver.findElement(By.id("dialog-title")).getText();
    }

    /** Picks a mode by its value: enabled, revision, disabled, ambient or unset. */
    ChangeDialog mode(String mode) {
        dialog().findElement(By.id("change-mode-" + mode)).click();
        return this;
    }

    ChangeDialog revision(String revision) {
        WebElement field = dialog().findElement(By.id("change-revision"));
        field.clear();
        field.sendKeys(revision);
        return this;
    }

    /** Limits the change to the named clusters. */
    ChangeDialog onlyClusters(String... clusters) {
        dialog().findElement(By.id("change-scope-some")).click();
        for (String cluster : clusters) {
            dialog().findElement(By.cssSelector("input[name=cluster][value='" + cluster + "']")).click();
        }
        return this;
    }

    /** A migration's revisions: the one to move away from (picked from those seen) and the one to move to. */
    ChangeDialog migrate(String from, String to) {
        new org.openqa.selenium.support.ui.Select(dialog().findElement(By.id("migrate-from"))).selectByValue(from);
        WebElement field = dialog().findElement(By.id("migrate-to"));
        field.clear();
        field.sendKeys(to);
        return this;
    }

    /** Limits a migration or a restart to a ring of the named clusters (and only those). */
    ChangeDialog ring(String... clusters) {
        dialog().findElement(By.cssSelector("input[name=scope][value=some]")).click();
        List<String> wanted = List.of(clusters);
        for (WebElement box : dialog().findElements(By.cssSelector("input[name=cluster]"))) {
            if (box.isSelected() != wanted.contains(box.getAttribute("value"))) {
                box.click();
            }
        }
        return this;
    }

    /** Limits a migration or a restart to the clusters whose labels match a selector, e.g. ring=canary. */
    ChangeDialog selector(String selector) {
        dialog().findElement(By.cssSelector("input[name=scope][value=selector]")).click();
        WebElement field = dialog().findElement(By.cssSelector("input[name=clusterSelector]"));
        field.clear();
        field.sendKeys(selector);
        return this;
    }

    ChangeDialog preview() {
        button("Preview").click();
        page.waitIdle();
        return this;
    }

    /** Clicks Preview and returns at once, the preview still on its way. */
    ChangeDialog startPreview() {
        button("Preview").click();
        return this;
    }

    ChangeDialog previewAnyway() {
        dialog().findElement(By.cssSelector("button.force")).click();
        page.waitIdle();
        return this;
    }

    boolean canApply() {
        return dialog().findElement(By.cssSelector("button.apply")).isEnabled();
    }

    ChangeDialog apply() {
        dialog().findElement(By.cssSelector("button.apply")).click();
        page.waitIdle();
        return this;
    }

    /** The heading of the result: "Preview: nothing has changed yet" or "Done"; null when there is none. */
    String resultHeading() {
        List<WebElement> headings = dialog().findElements(By.cssSelector(".result h3"));
        return headings.isEmpty() ? null : headings.get(0).getText();
    }

    /** The outcome shown for a cluster in the result table ("changed", "unchanged", "applied", …). */
    String outcome(String cluster) {
        return dialog().findElement(By.cssSelector(".result tr[data-cluster='" + cluster + "'] .badge")).getText();
    }

    /** The outcome (applied, unchanged, absent, failed) of a namespace in a cluster, as a migration's result table has it. */
    String outcome(String namespace, String cluster) {
        return dialog().findElement(By.cssSelector(".result tr[data-namespace='" + namespace + "'][data-cluster='" + cluster + "']"))
                .getAttribute("data-outcome");
    }

    /** The clusters a migration's result table has a row for, for one namespace, top to bottom. */
    List<String> outcomeClusters(String namespace) {
        return dialog().findElements(By.cssSelector(".result tr[data-namespace='" + namespace + "'][data-cluster]")).stream()
                .map(row -> row.getAttribute("data-cluster")).toList();
    }

    /** All the text of a namespace's row in a cluster in a migration's result table. */
    String outcomeRow(String namespace, String cluster) {
        return dialog().findElement(By.cssSelector(".result tr[data-namespace='" + namespace + "'][data-cluster='" + cluster + "']"))
                .getText();
    }

    /** The clusters the result table has a row for, top to bottom. */
    List<String> outcomeClusters() {
        return dialog().findElements(By.cssSelector(".result tr[data-cluster]")).stream()
                .map(row -> row.getAttribute("data-cluster")).toList();
    }

    /** All the text of a cluster's row in the result table (outcome, pods to restart, message). */
    String outcomeRow(String cluster) {
        return dialog().findElement(By.cssSelector(".result tr[data-cluster='" + cluster + "']")).getText();
    }

    /** The workloads a restart's result table says were (or would be) restarted in a cluster, top to bottom. */
    List<String> restarted(String cluster) {
        return dialog().findElements(By.cssSelector(".result tr[data-cluster='" + cluster + "'] ul.workloads:not(.skipped) li"))
                .stream().map(WebElement::getText).toList();
    }

    /** The pods a restart's result table says were (or would be) skipped in a cluster, each with why. */
    Map<String, String> skipped(String cluster) {
        Map<String, String> skipped = new java.util.TreeMap<>();
        for (WebElement item : dialog().findElements(By.cssSelector(".result tr[data-cluster='" + cluster + "'] ul.skipped li"))) {
            String workload = item.findElement(By.tagName("code")).getText();
            // The item reads "Pod/debug: <reason>".
            skipped.put(workload, item.getText().substring(workload.length()).replaceFirst("^:\\s*", ""));
        }
        return skipped;
    }

    /** The API's error message shown in the dialog, or null. */
    String error() {
        List<WebElement> errors = dialog().findElements(By.cssSelector(".result .error"));
        return errors.isEmpty() ? null : errors.get(0).getText();
    }

    /** The times the dialog shows (a history's "When"), top to bottom. */
    List<ConsolePage.Time> times() {
        return dialog().findElements(By.tagName("time")).stream().map(ConsolePage.Time::of).toList();
    }

    String text() {
        return dialog().getText();
    }

    void close() {
        driver.findElement(By.id("dialog-close")).click();
        new WebDriverWait(driver, ConsolePage.PATIENCE).until(d -> !dialog().isDisplayed());
    }

    private WebElement button(String text) {
        return dialog().findElements(By.tagName("button")).stream().filter(b -> b.getText().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no button \"" + text + "\" in the dialog: " + text()));
    }
}
