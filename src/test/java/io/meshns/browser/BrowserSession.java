package io.meshns.browser;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.meshns.testing.browser.Browser;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The browser lifecycle the console's browser tests share: one headless Chromium per test class
 * (starting one is slow), closed after its last test, and the console's address in this run.
 */
abstract class BrowserSession {

    static Browser browser;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            // Cleared so that the next class never sees a closed browser as its own.
            browser = null;
        }
    }
}
