package io.meshns.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console's one screen as a person sees it: the grid of namespaces by clusters, its filters, the clusters' list. */
public class ConsolePage {

    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final WebDriver driver;

    ConsolePage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens the console at {@code base} and waits until its first load has finished (or asks for a token). */
    static ConsolePage open(WebDriver driver, URI base) {
        driver.get(base.toString());
        ConsolePage page = new ConsolePage(driver);
        page.patience().until(d -> page.tokenPromptOpen() || page.idle());
        return page;
    }

    private WebDriverWait patience() {
        return new WebDriverWait(driver, PATIENCE);
    }

    /** True when no call is running (the progress indicator is hidden). */
    boolean idle() {
        return !driver.findElement(By.id("progress")).isDisplayed();
    }

    ConsolePage waitIdle() {
        patience().until(d -> idle());
        return this;
    }

    boolean tokenPromptOpen() {
        return driver.findElement(By.id("token-dialog")).isDisplayed();
    }

    TokenPrompt tokenPrompt() {
        patience().until(d -> tokenPromptOpen());
        return new TokenPrompt(driver, this);
    }

    ConsolePage refresh() {
        driver.findElement(By.id("refresh")).click();
        return waitIdle();
    }

    /** The cluster columns, left to right. */
    List<String> clusterColumns() {
        return driver.findElements(By.cssSelector("#grid thead th[data-cluster]")).stream().map(WebElement::getText).toList();
    }

    /** The namespaces the grid shows, top to bottom. */
    List<String> namespaces() {
        return driver.findElements(By.cssSelector("#grid tbody tr")).stream().map(row -> row.getAttribute("data-namespace"))
                .toList();
    }

    /** The control plane's mode of a namespace, as its row shows it. */
    String controlPlaneMode(String namespace) {
        return row(namespace).findElement(By.cssSelector("td.control-plane")).getText();
    }

    Cell cell(String namespace, String cluster) {
        WebElement td = row(namespace).findElement(By.cssSelector("td[data-cluster='" + cluster + "']"));
        return new Cell(td.getAttribute("data-state"), td.getText().replace('\n', ' '));
    }

    /** One cell of the grid: its state (in-sync, drifted, absent, unreachable, unmanaged) and all of its text. */
    record Cell(String state, String text) {
    }

    String gridSource() {
        return driver.findElement(By.id("grid-source")).getText();
    }

    ConsolePage filterByName(String text) {
        WebElement field = driver.findElement(By.id("filter-name"));
        field.clear();
        field.sendKeys(text);
        return this;
    }

    ConsolePage filterByState(String visibleText) {
        new Select(driver.findElement(By.id("filter-state"))).selectByVisibleText(visibleText);
        return this;
    }

    /** The page-wide error notice, or null when none is shown. */
    String notice() {
        WebElement notice = driver.findElement(By.id("notice"));
        return notice.isDisplayed() ? notice.getText() : null;
    }

    ChangeDialog change(String namespace) {
        rowButton(namespace, "Change injection of " + namespace).click();
        return new ChangeDialog(driver, this).waitOpen();
    }

    ChangeDialog reconcile(String namespace) {
        rowButton(namespace, "Reconcile " + namespace).click();
        return new ChangeDialog(driver, this).waitOpen();
    }

    ChangeDialog reconcileAll() {
        driver.findElement(By.id("reconcile-all")).click();
        return new ChangeDialog(driver, this).waitOpen();
    }

    ChangeDialog delete(String namespace) {
        rowButton(namespace, "Delete " + namespace).click();
        return new ChangeDialog(driver, this).waitOpen();
    }

    /** Opens a namespace's history and returns the dialog's text once loaded. */
    String history(String namespace) {
        rowButton(namespace, "History of " + namespace).click();
        ChangeDialog dialog = new ChangeDialog(driver, this).waitOpen();
        waitIdle();
        return dialog.text();
    }

    /** The clusters the list below the grid shows. */
    List<String> clusters() {
        return driver.findElements(By.cssSelector("#clusters tbody tr")).stream().map(row -> row.getAttribute("data-cluster"))
                .toList();
    }

    private WebElement row(String namespace) {
        return patience().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#grid tbody tr[data-namespace='" + namespace + "']")));
    }

    private WebElement rowButton(String namespace, String label) {
        return row(namespace).findElement(By.cssSelector("button[aria-label='" + label + "']"));
    }
}
