package io.meshns.browser;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
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

    /** Clicks Refresh {@code times} times in one go, as fast as a script can, and waits until the page is idle again. */
    ConsolePage refreshRepeatedly(int times) {
        ((JavascriptExecutor) driver).executeScript("for (let i = 0; i < arguments[0]; i++) document.getElementById('refresh').click()",
                times);
        return waitIdle();
    }

    /**
     * The functions the page has called, in the order it sent them, each with when it was sent and when
     * its answer had arrived, as the browser's own resource timing records them (ms since the page opened).
     */
    List<Call> calls() {
        List<?> entries = (List<?>) ((JavascriptExecutor) driver).executeScript("return performance.getEntriesByType('resource')"
                + ".filter((e) => e.initiatorType === 'fetch')"
                + ".map((e) => [new URL(e.name).pathname.split('/').pop(), e.startTime, e.responseEnd])");
        return entries.stream().map(e -> (List<?>) e)
                .map(e -> new Call((String) e.get(0), ((Number) e.get(1)).doubleValue(), ((Number) e.get(2)).doubleValue()))
                .toList();
    }

    /** Forgets the calls recorded so far: {@link #calls()} then lists only those sent from now on. */
    ConsolePage forgetCalls() {
        ((JavascriptExecutor) driver).executeScript("performance.clearResourceTimings()");
        return this;
    }

    record Call(String function, double sent, double answered) {
    }

    /** The cluster columns, left to right, by the name each header shows. */
    List<String> clusterColumns() {
        return driver.findElements(By.cssSelector("#grid thead th[data-cluster] .cluster-name")).stream().map(WebElement::getText)
                .toList();
    }

    /** All the text of a cluster's column header: its name, whether it is unreachable, its injector revisions. */
    String columnHeader(String cluster) {
        return driver.findElement(By.cssSelector("#grid thead th[data-cluster='" + cluster + "']")).getText().replace('\n', ' ');
    }

    /** The summary above the grid: what is wrong at a glance, and when reconcile last repaired something. */
    String summary() {
        return driver.findElement(By.id("summary")).getText().replace('\n', ' ');
    }

    /** The states the summary counts (those with a count above zero), in its order. */
    List<String> countedStates() {
        return driver.findElements(By.cssSelector("#summary button[data-state]")).stream().map(b -> b.getAttribute("data-state"))
                .toList();
    }

    /** Clicks the summary's count of a state (drifted, unreachable, absent, unmanaged, restart), which filters the grid by it. */
    ConsolePage clickCount(String state) {
        driver.findElement(By.cssSelector("#summary button[data-state='" + state + "']")).click();
        return this;
    }

    /** The state filter's choice as shown. */
    String stateFilter() {
        return new Select(driver.findElement(By.id("filter-state"))).getFirstSelectedOption().getText();
    }

    /** When reconcile last repaired something, as the summary shows it (null when it shows none). */
    Time lastRepair() {
        List<WebElement> times = driver.findElements(By.cssSelector("#summary .last-repair time"));
        return times.isEmpty() ? null : Time.of(times.get(0));
    }

    /** A time as the page shows it: its text, and the exact one its tooltip gives. */
    record Time(String text, String title) {

        static Time of(WebElement time) {
            return new Time(time.getText(), time.getAttribute("title"));
        }
    }

    /** The masthead's links to the page's views: each link's words and the id of the section it leads to. */
    Map<String, String> views() {
        Map<String, String> views = new LinkedHashMap<>();
        for (WebElement link : driver.findElements(By.cssSelector("#views a"))) {
            views.put(link.getText(), URI.create(link.getAttribute("href")).getFragment());
        }
        return views;
    }

    /** Follows the masthead's link to the Revisions view. */
    RevisionsView revisions() {
        driver.findElement(By.cssSelector("#views a[href='#view-revisions']")).click();
        return new RevisionsView(driver, this);
    }

    /** The heading of the section with that id. */
    String sectionHeading(String id) {
        return driver.findElement(By.cssSelector("section[id='" + id + "'] h2")).getText();
    }

    /** The legend of the grid's states and modes. */
    String legend() {
        return driver.findElement(By.id("legend")).getText().replace('\n', ' ');
    }

    /** Everything the page shows as text (open dialogs included). */
    String visibleText() {
        return driver.findElement(By.tagName("body")).getText();
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

    /** The message of a cell, whole, as its disclosure shows it once opened (null when it has none). */
    String cellMessage(String namespace, String cluster) {
        return disclosed(cellElement(namespace, cluster), ".cell-message");
    }

    /** The pods a cell says to restart: its count ("↻ 3"; null when none) and, opened, the workloads. */
    Restart cellRestart(String namespace, String cluster) {
        WebElement td = cellElement(namespace, cluster);
        List<WebElement> counts = td.findElements(By.cssSelector(".cell-restart summary"));
        if (counts.isEmpty()) {
            return null;
        }
        String count = counts.get(0).getText();
        String tooltip = counts.get(0).getAttribute("title");
        return new Restart(count, tooltip, disclosed(td, ".cell-restart"));
    }

    /** A cell's pods to restart: the count it shows, its tooltip, and the workloads it lists when opened. */
    record Restart(String count, String tooltip, String workloads) {
    }

    private WebElement cellElement(String namespace, String cluster) {
        return row(namespace).findElement(By.cssSelector("td[data-cluster='" + cluster + "']"));
    }

    /** Opens the {@code <details>} under {@code within} matching {@code selector} and returns its text past the summary. */
    private static String disclosed(WebElement within, String selector) {
        List<WebElement> found = within.findElements(By.cssSelector(selector));
        if (found.isEmpty()) {
            return null;
        }
        WebElement details = found.get(0);
        if (details.getAttribute("open") == null) {
            details.findElement(By.tagName("summary")).click();
        }
        return details.findElement(By.cssSelector(":scope > :not(summary)")).getText();
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
        return historyDialog(namespace).text();
    }

    /** Opens a namespace's history and returns the dialog once loaded. */
    ChangeDialog historyDialog(String namespace) {
        rowButton(namespace, "History of " + namespace).click();
        ChangeDialog dialog = new ChangeDialog(driver, this).waitOpen();
        waitIdle();
        return dialog;
    }

    /** A cluster's row in the clusters' table: whether it is reachable, and its injector revisions. */
    ClusterRow clusterRow(String cluster) {
        WebElement row = driver.findElement(By.cssSelector("#clusters tbody tr[data-cluster='" + cluster + "']"));
        return new ClusterRow(row.findElement(By.cssSelector(".reachability")).getText().replace('\n', ' '),
                row.findElement(By.cssSelector(".injectors")).getText().replace('\n', ' '));
    }

    record ClusterRow(String reachability, String injectors) {
    }

    /** Why a cluster is unreachable, whole, as its row's disclosure shows it once opened (null when it says nothing). */
    String clusterMessage(String cluster) {
        return disclosed(driver.findElement(By.cssSelector("#clusters tbody tr[data-cluster='" + cluster + "'] .reachability")),
                "details");
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
