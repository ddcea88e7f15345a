package io.meshns.http;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.meshns.console.Console;
import io.meshns.metrics.CallMetrics;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP edge in one place: every route meshns adds to Quarkus' router, in the order it runs.
 * Funqy's own routes come after the named orders here; the JSON 404 comes after everything.
 */
@Singleton
public class HttpPipeline {

    /** First, so that every answer (page, function, refusal or error) carries the headers. */
    public static final int SECURITY_HEADERS = -200;
    /** Before screening, so that a refused call is counted with its status too. */
    public static final int METRICS = -110;
    /** Before Funqy reads a call: what can be refused from the request line and headers alone. */
    public static final int SCREENING = -100;
    /** After screening (the allowed hosts hold for the page too), before Funqy, which would take GET / for itself. */
    public static final int CONSOLE = -90;

    private final RequestScreen screen;
    private final CallMetrics metrics;
    private final Console console;

    HttpPipeline(RequestScreen screen, CallMetrics metrics, Console console) {
        this.screen = screen;
        this.metrics = metrics;
        this.console = console;
    }

    void install(@Observes Router router) {
        router.route().order(SECURITY_HEADERS).handler(HttpPipeline::securityHeaders);
        router.route().order(METRICS).handler(metrics::measure);
        router.route().order(SCREENING).handler(screen::screen);
        router.route().order(CONSOLE).handler(console::serve);
        router.route().failureHandler(FailureHandler::handle);
        // Funqy serves only the paths of its functions; anything else gets a JSON 404 too.
        router.route().last().handler(context -> ErrorAnswer.send(context, FailureHandler.unknownPath(context)));
    }

    private static void securityHeaders(RoutingContext context) {
        SecurityHeaders.apply(context.response().headers(),
                Console.isPageRequest(context.request().method(), context.request().path()));
        context.next();
    }
}
