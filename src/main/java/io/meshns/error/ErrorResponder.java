package io.meshns.error;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.auth.Access;
import io.meshns.config.MeshConfig;
import io.meshns.console.Console;
import io.meshns.http.SecurityHeaders;
import io.meshns.kube.KubeErrors;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place where failures become answers: every error, ours or Funqy's, is sent as a status
 * and {"error", "message"}. Without it Funqy would answer a caller's mistake with a bare 500.
 */
@jakarta.inject.Singleton
public class ErrorResponder {

    private static final Logger LOG = Logger.getLogger(ErrorResponder.class);

    private final boolean authRequired;
    /** Lower-case host names a request may name in its Host header; empty: any. */
    private final java.util.Set<String> allowedHosts;

    ErrorResponder(MeshConfig config) {
        this.authRequired = config.auth().enabled();
        this.allowedHosts = config.allowedHosts().orElse(java.util.List.of()).stream()
                .map(host -> host.trim().toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    void install(@Observes Router router) {
        // Runs before Funqy: the API is POST only (a GET must never change a mesh).
        router.route().order(-100).handler(this::screen);
        router.route().failureHandler(ErrorResponder::respond);
        // Funqy serves only the paths of its functions; anything else gets a JSON 404 too.
        router.route().last().handler(context -> send(context, unknownFunction(context)));
    }

    /** What can be refused before Funqy reads the call: the method, a missing token, an empty body. */
    private void screen(RoutingContext context) {
        if (context.request().path().startsWith("/q/")) {
            // Health and metrics: for the platform's probes, no token needed.
            context.next();
            return;
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(hostName(context.request().getHeader("Host")))) {
            send(context, MeshException.forbidden("host-not-allowed", "requests must be addressed to one of "
                    + new java.util.TreeSet<>(allowedHosts) + " (meshns.allowed-hosts)"));
            return;
        }
        if (Console.isPageRequest(context.request().method(), context.request().path())) {
            // The console's static files: they read nothing and change nothing.
            context.next();
            return;
        }
        if (context.request().method() != HttpMethod.POST) {
            context.response().putHeader("Allow", "POST");
            send(context, new MeshException(405, "method-not-allowed",
                    "meshns functions are called with POST /{function} and a JSON body"));
            return;
        }
        if (!isJson(context.request().getHeader("Content-Type"))) {
            // Also what keeps another origin's page out: a form post or a text/plain fetch needs no
            // CORS preflight, so it must be refused here, before any function reads it.
            send(context, unsupportedMediaType());
            return;
        }
        if (isStructuredEvent(context.request().getHeader("Content-Type"))
                && context.request().headers().names().stream().anyMatch(name -> name.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("ce-"))) {
            // Both modes at once: Funqy would read it as a binary event with data it cannot decode (a 500).
            send(context, MeshException.badRequest("invalid-cloudevent", "send a CloudEvent either in binary mode "
                    + "(ce-* headers, Content-Type: application/json) or in structured mode "
                    + "(Content-Type: application/cloudevents+json, no ce-* headers), not both"));
            return;
        }
        if (authRequired && Access.bearerToken(context) == null) {
            // Before reading the body: no token, no service (the token itself is checked in the call).
            send(context, MeshException.unauthorized(
                    "send a Kubernetes bearer token of the control plane: Authorization: Bearer <token>"));
            return;
        }
        if (isEmpty(context.body())) {
            send(context, emptyBody(context));
            return;
        }
        context.next();
    }

    /** The host name of a Host header, without its port, lower case: "[::1]:8080" is "[::1]". */
    static String hostName(String host) {
        if (host == null) {
            return "";
        }
        String name = host.trim().toLowerCase(java.util.Locale.ROOT);
        int port = name.lastIndexOf(':');
        return port > name.lastIndexOf(']') ? name.substring(0, port) : name;
    }

    /**
     * Quarkus reads the whole body before any route (Funqy asks for its body handler), whatever the
     * framing: Content-Length 0, a chunked body of no chunks, or neither header. Funqy itself would
     * fail with a NullPointerException on the last two.
     */
    private static boolean isEmpty(RequestBody body) {
        return body == null || body.buffer() == null || body.buffer().length() == 0;
    }

    private static MeshException emptyBody(RoutingContext context) {
        String function = context.request().path().substring(1);
        return MeshException.badRequest("empty-body", "the request body is empty; "
                + (function.isEmpty() ? "a CloudEvent's data is the function's input" : function + " takes")
                + " a JSON object, e.g. {} or {\"name\": \"shop\"}");
    }

    static boolean isStructuredEvent(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(java.util.Locale.ROOT)
                .startsWith("application/cloudevents+json");
    }

    /** application/json, or a structured CloudEvent's application/cloudevents+json (parameters such as charset allowed). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim()
                .toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("application/cloudevents+json");
    }

    private static MeshException unsupportedMediaType() {
        return new MeshException(415, "unsupported-media-type",
                "send Content-Type: application/json (or a CloudEvent: application/cloudevents+json, or ce-* headers with application/json)");
    }

    private static MeshException unknownFunction(RoutingContext context) {
        if (context.request().method() != HttpMethod.POST) {
            return MeshException.notFound("not-found", "the console has no file at " + context.request().path()
                    + "; its page is GET /");
        }
        return MeshException.notFound("unknown-function", "there is no function at " + context.request().path()
                + "; call POST /{function}, e.g. /createNamespace");
    }

    private static void respond(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        send(context, toMeshException(context));
    }

    static MeshException toMeshException(RoutingContext context) {
        Throwable failure = meaningful(context.failure());
        if (failure instanceof MeshException mesh) {
            return mesh;
        }
        if (failure instanceof KubernetesClientException kce) {
            return (MeshException) KubeErrors.controlPlane(kce, "serving the call");
        }
        if (failure instanceof JsonProcessingException) {
            return MeshException.badRequest("invalid-json", "the request is not valid JSON: "
                    + ((JsonProcessingException) failure).getOriginalMessage());
        }
        if (failure != null && isEmpty(context.body())) {
            return emptyBody(context);
        }
        String missing = missingEventAttributes(context);
        if (failure != null && missing != null) {
            // Funqy reads a structured event's attributes without checking they are there.
            return MeshException.badRequest("invalid-cloudevent", "a structured CloudEvent needs a JSON object with "
                    + "specversion, id, source and type; missing: " + missing);
        }
        if (failure != null) {
            LOG.errorf(failure, "unexpected failure serving %s", context.request().path());
            return new MeshException(500, "internal-error", "meshns failed unexpectedly: " + failure.getClass().getSimpleName()
                    + "; see the function's log");
        }
        boolean cloudEvent = context.request().headers().contains("ce-id")
                || String.valueOf(context.request().getHeader("Content-Type")).startsWith("application/cloudevents");
        return switch (context.statusCode()) {
            case 400 -> MeshException.badRequest("invalid-json", cloudEvent
                    ? "the CloudEvent is not valid: its body must be JSON and, in structured mode, carry type, specversion and datacontenttype application/json"
                    : "the request body is not valid JSON");
            case 404 -> cloudEvent
                    ? MeshException.badRequest("unknown-event-type", "no function takes CloudEvents of type \""
                            + eventType(context) + "\"; types are meshns.{function}, e.g. meshns.enableInjection")
                    : unknownFunction(context);
            case 405 -> new MeshException(405, "method-not-allowed", "meshns functions are called with POST /{function}");
            case 406 -> unsupportedMediaType();
            case 413 -> new MeshException(413, "payload-too-large", "the request body is larger than meshns takes ("
                    + "quarkus.http.limits.max-body-size, 10 MiB unless set); no function takes input anywhere near that size");
            default -> new MeshException(context.statusCode() > 0 ? context.statusCode() : 500, "internal-error",
                    "meshns failed with status " + context.statusCode());
        };
    }

    /** The first failure in the chain that says what went wrong: ours, the control plane's, or JSON's. */
    private static Throwable meaningful(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MeshException || t instanceof KubernetesClientException || t instanceof JsonProcessingException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return failure;
    }

    /** For a structured CloudEvent: the required attributes it lacks, or null when it has them all. */
    private static String missingEventAttributes(RoutingContext context) {
        String type = context.request().getHeader("Content-Type");
        if (type == null || !type.startsWith("application/cloudevents+json") || context.body() == null) {
            return null;
        }
        Object envelope;
        try {
            envelope = io.vertx.core.json.Json.decodeValue(context.body().buffer());
        } catch (RuntimeException e) {
            return null;
        }
        if (!(envelope instanceof JsonObject event)) {
            return "all of them (the body is not a JSON object)";
        }
        java.util.List<String> missing = java.util.stream.Stream.of("specversion", "id", "source", "type")
                .filter(attribute -> !(event.getValue(attribute) instanceof String)).toList();
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    private static String eventType(RoutingContext context) {
        if (context.request().headers().contains("ce-id")) {
            return context.request().getHeader("ce-type") == null ? "(none)" : context.request().getHeader("ce-type");
        }
        try {
            return String.valueOf(new JsonObject(context.body().buffer()).getString("type", "(none)"));
        } catch (RuntimeException e) {
            return "(none)";
        }
    }

    private static void send(RoutingContext context, MeshException error) {
        if (!context.response().headers().contains("Content-Security-Policy")) {
            // Refused before the route that sets them ran (a body over the limit is refused as it arrives).
            SecurityHeaders.apply(context.response().headers(), false);
        }
        context.response()
                .setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error.code()).put("message", error.getMessage()).encode());
    }
}
