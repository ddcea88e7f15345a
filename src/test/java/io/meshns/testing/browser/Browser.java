package io.meshns.testing.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven by its own chromedriver (paths given explicitly: Selenium
 * Manager never downloads anything). Also the JUnit condition of {@link InBrowser}: without Chromium
 * the browser tests are skipped with one line, unless MESHNS_BROWSER=required (as CI sets).
 */
public final class Browser implements ExecutionCondition, AutoCloseable {

    public static final String INSTALL_HINT = "run scripts/install-browser.sh (as root: Debian's chromium and chromium-driver), "
            + "or set MESHNS_CHROMIUM and MESHNS_CHROMEDRIVER";
    public static final Dimension DESKTOP = new Dimension(1280, 800);
    public static final Dimension PHONE = new Dimension(390, 844);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static boolean skipAnnounced;

    private final ChromeDriver driver;
    private final Path profile;

    /** For JUnit, as the condition. */
    public Browser() {
        this.driver = null;
        this.profile = null;
    }

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (binaries().isPresent()) {
            return ConditionEvaluationResult.enabled("chromium and chromedriver found");
        }
        if ("required".equals(System.getenv("MESHNS_BROWSER"))) {
            throw new IllegalStateException("MESHNS_BROWSER=required but chromium or chromedriver is missing: " + INSTALL_HINT);
        }
        synchronized (Browser.class) {
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.out.println("[browser] SKIPPED the console's tests in a real browser: no chromium or chromedriver; "
                        + INSTALL_HINT);
            }
        }
        return ConditionEvaluationResult.disabled("no chromium or chromedriver: " + INSTALL_HINT);
    }

    /** Starts a fresh headless Chromium (its own empty profile) at desktop size. */
    public static Browser start() {
        Path[] paths = binaries().orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
        try {
            Path profile = Files.createTempDirectory("meshns-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(paths[0].toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions", "--lang=en-US",
                    "--window-size=" + DESKTOP.width + "," + DESKTOP.height, "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(paths[1].toFile())
                    .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Sizes the viewport (not the window) to {@code size}, as a screen of that size would show the page. */
    public void viewport(Dimension size) {
        driver.manage().window().setSize(size);
        // The window has chrome even headless on some versions: correct by what the page sees.
        Number innerWidth = (Number) driver.executeScript("return window.innerWidth");
        Number innerHeight = (Number) driver.executeScript("return window.innerHeight");
        driver.manage().window().setSize(new Dimension(2 * size.width - innerWidth.intValue(),
                2 * size.height - innerHeight.intValue()));
    }

    /** Saves what the browser shows as target/console-screenshots/{name}.png and returns the file. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The browser console's errors since the last call: a CSP violation, a script error, a file that
     * failed to load. A function's 4xx answer is logged by Chromium too, but it is data the page shows.
     */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(entry -> !entry.getMessage().matches("(?s).*/[a-zA-Z]+ - Failed to load resource: the server responded with a status of 4\\d\\d.*"))
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    /** {chromium, chromedriver}, or empty when either is missing. */
    static Optional<Path[]> binaries() {
        Optional<Path> chromium = find("MESHNS_CHROMIUM", "chromium", "chromium-browser");
        Optional<Path> chromedriver = find("MESHNS_CHROMEDRIVER", "chromedriver");
        return chromium.isPresent() && chromedriver.isPresent() ? Optional.of(new Path[] { chromium.get(), chromedriver.get() })
                : Optional.empty();
    }

    /** The binary {@code variable} names (that one and no other, when set), else the first of {@code names} on the PATH. */
    private static Optional<Path> find(String variable, String... names) {
        String given = System.getenv(variable);
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        return Stream.of(names).map(Browser::onPath).flatMap(Optional::stream).findFirst();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary profile is harmless.
        }
    }
}
