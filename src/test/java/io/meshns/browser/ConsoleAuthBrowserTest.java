package io.meshns.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshns.mock.AccessReviewResponder;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Mesh;
import io.meshns.testing.browser.InBrowser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;

/** The console with caller auth on: a 401 asks for a token, which then carries every call; a 403 is shown as it came. */
@InBrowser
@QuarkusTest
@QuarkusTestResource(value = ConsoleAuthBrowserTest.ControlPlane.class, restrictToAnnotatedClass = true)
class ConsoleAuthBrowserTest extends BrowserSession {

    static final String ADMIN = "console-admin-token";
    static final String VIEWER = "console-viewer-token";
    static final String NAMESPACE_VIEWER = "console-namespace-viewer-token";

    /** A control plane whose RBAC lets "admin" do anything, "viewer" only get and list, "nsviewer" only see namespaces. */
    public static class ControlPlane implements QuarkusTestResourceLifecycleManager {
        static MockApiServer server;

        @Override
        public Map<String, String> start() {
            server = MockApiServer.start();
            AccessReviewResponder.serve(server, Map.of(ADMIN, "admin", VIEWER, "viewer", NAMESPACE_VIEWER, "nsviewer"),
                    request -> request.startsWith("admin ") || request.matches("viewer (get|list) .*")
                            || request.matches("nsviewer (get|list) namespaces.*"));
            return Map.of("quarkus.kubernetes-client.api-server-url", server.url(), "meshns.auth.enabled", "true",
                    "meshns.auth.cache-ttl", "1s");
        }

        @Override
        public void stop() {
            server.close();
        }
    }

    @BeforeEach
    void aNamespace() {
        if (ControlPlane.server.client().namespaces().withName("guarded").get() == null) {
            Mesh.createNamespace(ControlPlane.server.client(), "guarded", Map.of());
        }
    }

    @AfterEach
    void signOut() {
        // The next test starts signed out, as in a new tab.
        browser.driver().executeScript("sessionStorage.clear()");
    }

    @Test
    void a401AsksForATokenThenTheCallsGoThrough() {
        ConsolePage page = ConsolePage.open(browser.driver(), base);
        TokenPrompt prompt = page.tokenPrompt();
        assertTrue(prompt.reason().contains("Bearer"), prompt.reason());
        browser.screenshot("token-prompt");

        prompt.signIn(ADMIN);
        assertNull(page.notice(), page.notice());
        assertTrue(page.namespaces().contains("guarded"), page.namespaces().toString());
        assertEquals(ADMIN, browser.driver().executeScript("return sessionStorage.getItem('meshns.token')"));
        assertEquals(null, browser.driver().executeScript("return localStorage.getItem('meshns.token')"),
                "the token is kept for this tab only");
        assertFalse(browser.driver().getCurrentUrl().contains(ADMIN), "never in a URL");

        // Reloading the tab keeps the token: no second prompt.
        page = ConsolePage.open(browser.driver(), base);
        assertFalse(page.tokenPromptOpen());
        assertTrue(page.namespaces().contains("guarded"));
    }

    @Test
    void aRejectedTokenIsAskedForAgain() {
        ConsolePage page = ConsolePage.open(browser.driver(), base);
        page.tokenPrompt().signIn("forged-token");
        TokenPrompt again = page.tokenPrompt();
        assertTrue(again.reason().contains("does not accept"), again.reason());
        again.signIn(ADMIN);
        assertTrue(page.namespaces().contains("guarded"));
    }

    @Test
    void aRefusedListOfClustersIsShownAndTheGridStillLoads() {
        ConsolePage page = ConsolePage.open(browser.driver(), base);
        page.tokenPrompt().signIn(NAMESPACE_VIEWER);
        assertTrue(page.namespaces().contains("guarded"), "the grid loads: " + page.notice());
        String notice = page.notice();
        assertTrue(notice != null && notice.contains("Not allowed") && notice.contains("\"nsviewer\" may not list configmaps"),
                String.valueOf(notice));
    }

    @Test
    void a403IsShownWithThePermissionItNames() {
        ConsolePage page = ConsolePage.open(browser.driver(), base);
        page.tokenPrompt().signIn(VIEWER);
        assertTrue(page.namespaces().contains("guarded"), "a viewer may look: " + page.notice());

        ChangeDialog change = page.change("guarded").mode("disabled").preview();
        String error = change.error();
        assertTrue(error != null && error.contains("Not allowed") && error.contains("\"viewer\" may not patch namespaces/guarded"),
                change.text());
        assertFalse(change.canApply());
        browser.screenshot("forbidden");
        assertEquals(List.of(), browser.consoleErrors());
        assertEquals(Map.of(), Mesh.labels(ControlPlane.server.client(), "guarded"));
    }
}
