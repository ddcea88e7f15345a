package io.meshns.http;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.kube.KubeErrors;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Where failures become answers: every failure, ours, the control plane's, Funqy's or Vert.x's, is
 * sent as an {@link ErrorAnswer}. Without it Funqy would answer a caller's mistake with a bare 500.
 */
final class FailureHandler {

    private static final Logger LOG = Logger.getLogger(FailureHandler.class);

    private FailureHandler() {
    }

    static void handle(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        ErrorAnswer.send(context, toMeshException(context));
    }

    /** A path no route serves: a file the console does not have, or a function that does not exist. */
    static MeshException unknownPath(RoutingContext context) {
        if (context.request().method() != HttpMethod.POST) {
            return ErrorCode.NOT_FOUND.error("the console has no file at " + context.request().path()
                    + "; its page is GET /");
        }
        return ErrorCode.UNKNOWN_FUNCTION.error("there is no function at " + context.request().path()
                + "; call POST /{function}, e.g. /createNamespace");
    }

    static MeshException toMeshException(RoutingContext context) {
        Throwable failure = meaningful(context.failure());
        if (failure instanceof MeshException mesh) {
            return mesh;
        }
        if (failure instanceof KubernetesClientException kce) {
            return KubeErrors.controlPlane(kce, "serving the call");
        }
        if (failure instanceof JsonProcessingException json) {
            return ErrorCode.INVALID_JSON.error("the request is not valid JSON: " + json.getOriginalMessage());
        }
        if (failure != null && RequestScreen.isEmpty(context.body())) {
            return RequestScreen.emptyBody(context);
        }
        String missing = missingEventAttributes(context);
        if (failure != null && missing != null) {
            // Funqy reads a structured event's attributes without checking they are there.
            return ErrorCode.INVALID_CLOUDEVENT.error("a structured CloudEvent needs a JSON object with "
                    + "specversion, id, source and type; missing: " + missing);
        }
        if (failure != null) {
            LOG.errorf(failure, "unexpected failure serving %s", context.request().path());
            return ErrorCode.INTERNAL_ERROR.error("meshns failed unexpectedly: " + failure.getClass().getSimpleName()
                    + "; see the function's log");
        }
        boolean cloudEvent = context.request().headers().contains("ce-id")
                || String.valueOf(context.request().getHeader("Content-Type")).startsWith("application/cloudevents");
        return switch (context.statusCode()) {
            case 400 -> ErrorCode.INVALID_JSON.error(cloudEvent
                    ? "the CloudEvent is not valid: its body must be JSON and, in structured mode, carry type, specversion and datacontenttype application/json"
                    : "the request body is not valid JSON");
            case 404 -> cloudEvent
                    ? ErrorCode.UNKNOWN_EVENT_TYPE.error("no function takes CloudEvents of type \""
                            + eventType(context) + "\"; types are meshns.{function}, e.g. meshns.enableInjection")
                    : unknownPath(context);
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED.error("meshns functions are called with POST /{function}");
            case 406 -> RequestScreen.unsupportedMediaType();
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE.error("the request body is larger than meshns takes ("
                    + "quarkus.http.limits.max-body-size, 10 MiB unless set); no function takes input anywhere near that size");
            default -> ErrorCode.INTERNAL_ERROR.withStatus(context.statusCode() > 0 ? context.statusCode() : 500,
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
}
