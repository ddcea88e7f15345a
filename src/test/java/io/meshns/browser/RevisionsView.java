package io.meshns.browser;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console's Revisions view as a person sees it: a card per Istio revision saying whether it is in
 * use, and per cluster whether it is installed, its tags, the namespaces and pods using it.
 */
public class RevisionsView {

    private final WebDriver driver;
    private final ConsolePage page;

    RevisionsView(WebDriver driver, ConsolePage page) {
        this.driver = driver;
        this.page = page;
    }

    /** The revisions shown, top to bottom. */
    List<String> revisions() {
        return driver.findElements(By.cssSelector("#revisions .revision")).stream().map(r -> r.getAttribute("data-revision"))
                .toList();
    }

    /** What a revision's heading says: its name, and "in use" or "not in use: safe to uninstall…". */
    String heading(String revision) {
        return card(revision).findElement(By.tagName("h3")).getText().replace('\n', ' ');
    }

    /** A revision's row for a cluster: installed or not, its tags, namespaces and pods, as text. */
    String clusterRow(String revision, String cluster) {
        return row(revision, cluster).getText().replace('\n', ' ');
    }

    /** The namespaces a revision's row for a cluster lists. */
    List<String> namespaces(String revision, String cluster) {
        return row(revision, cluster).findElements(By.cssSelector(".namespaces li[data-namespace]")).stream()
                .map(li -> li.getAttribute("data-namespace")).toList();
    }

    /** The warning about the clusters that could not be read, or null when none is shown. */
    String unreachable() {
        WebElement warning = driver.findElement(By.id("revisions-unreachable"));
        return warning.isDisplayed() ? warning.getText() : null;
    }

    /** Opens the migration dialog. */
    ChangeDialog migrate() {
        driver.findElement(By.id("migrate-revision")).click();
        return new ChangeDialog(driver, page).waitOpen();
    }

    /** Opens the restart dialog of a namespace listed in a cluster under a revision. */
    ChangeDialog restart(String revision, String cluster, String namespace) {
        row(revision, cluster).findElement(By.cssSelector("button[aria-label='Restart workloads of " + namespace + " in " + cluster
                + "']")).click();
        return new ChangeDialog(driver, page).waitOpen();
    }

    private WebElement card(String revision) {
        return driver.findElement(By.cssSelector("#revisions .revision[data-revision='" + revision + "']"));
    }

    private WebElement row(String revision, String cluster) {
        return card(revision).findElement(By.cssSelector("tbody tr[data-cluster='" + cluster + "']"));
    }
}
