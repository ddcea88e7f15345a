package io.meshns.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.meshns.http.SecurityHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The console: static files under META-INF/resources/ served at GET /; the HTTP pipeline puts
 * {@link SecurityHeaders} on them as on every answer.
 */
@jakarta.inject.Singleton
public class Console {

    static final String CONTENT_SECURITY_POLICY = SecurityHeaders.CONTENT_SECURITY_POLICY;

    private static final String ROOT = "META-INF/resources";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    /**
     * path -> the file's bytes, read once (the files never change). Only files that exist are kept:
     * the console's own files are few, while a caller can ask for any number of paths that do not.
     */
    private final Map<String, Buffer> files = new ConcurrentHashMap<>();

    /** GET and HEAD of the page and its assets: the only requests that are not a function call. */
    public static boolean isPageRequest(HttpMethod method, String path) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD)
                && (path.equals("/") || path.equals("/index.html") || path.startsWith("/console/"));
    }

    /** Serves the page and its assets; any other request goes on to the next route. */
    public void serve(RoutingContext context) {
        String path = context.normalizedPath();
        if (!isPageRequest(context.request().method(), path) || path.contains("..")) {
            context.next();
            return;
        }
        String file = path.equals("/") ? "/index.html" : path;
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        Optional<Buffer> content = type == null ? Optional.empty() : file(file);
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

    private Optional<Buffer> file(String file) {
        Buffer known = files.get(file);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Buffer> read = read(file);
        read.ifPresent(content -> files.put(file, content));
        return read;
    }

    /** The paths whose content is kept. */
    java.util.Set<String> kept() {
        return java.util.Set.copyOf(files.keySet());
    }

    private static Optional<Buffer> read(String file) {
        try (InputStream in = Console.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the console's " + file, e);
        }
    }
}
