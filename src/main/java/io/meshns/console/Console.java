package io.meshns.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The console: static files under META-INF/resources/ served at GET /, and the headers
 * that keep every answer (page or function) to its own origin: no inline or foreign script, style
 * or connection, no framing, no sniffing, no referrer.
 */
@jakarta.inject.Singleton
public class Console {

    /** Everything the page loads comes from this origin; it may be framed by nobody and post no form. */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    private static final String ROOT = "META-INF/resources";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    /** path -> the file's bytes, or empty when there is none: read once, the files never change. */
    private final Map<String, Optional<Buffer>> files = new ConcurrentHashMap<>();

    /** GET and HEAD of the page and its assets: the only requests that are not a function call. */
    public static boolean isPageRequest(HttpMethod method, String path) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD)
                && (path.equals("/") || path.equals("/index.html") || path.startsWith("/console/"));
    }

    void install(@Observes Router router) {
        // Before everything else, so that refusals and errors carry the headers too.
        router.route().order(-200).handler(context -> {
            MultiMap headers = context.response().headers();
            headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            headers.set("X-Frame-Options", "DENY");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Cross-Origin-Opener-Policy", "same-origin");
            headers.set("Cross-Origin-Resource-Policy", "same-origin");
            if (isPageRequest(context.request().method(), context.request().path())) {
                // A new version of the function serves a new page at once.
                headers.set("Cache-Control", "no-cache");
            } else {
                headers.set("Cache-Control", "no-store");
            }
            context.next();
        });
        // Right after ErrorResponder's screen (order -100), before Funqy, which would take GET / for itself.
        router.route().order(-90).handler(this::serve);
    }

    private void serve(RoutingContext context) {
        String path = context.normalizedPath();
        if (!isPageRequest(context.request().method(), path) || path.contains("..")) {
            context.next();
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        Optional<Buffer> content = type == null ? Optional.empty() : files.computeIfAbsent(file, Console::read);
        if (content.isEmpty()) {
            context.next();
            return;
        }
        context.response().putHeader("Content-Type", type);
        if (context.request().method() == HttpMethod.HEAD) {
            context.response().putHeader("Content-Length", String.valueOf(content.get().length())).end();
        } else {
            context.response().end(content.get());
        }
    }

    private static Optional<Buffer> read(String file) {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the console's " + file, e);
        }
    }
}
