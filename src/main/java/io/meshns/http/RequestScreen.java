package io.meshns.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.meshns.auth.Access;
import io.meshns.config.MeshConfig;
import io.meshns.console.Console;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * What is refused before Funqy reads a call: a host not allowed, a method other than POST (a GET
 * must never change a mesh), a body that is not JSON, a CloudEvent in both modes at once, a missing
 * token, an empty body.
 */
@Singleton
class RequestScreen {

    private final boolean authRequired;
    /** Lower-case host names a request may name in its Host header; empty: any. */
    private final Set<String> allowedHosts;

    RequestScreen(MeshConfig config) {
        this.authRequired = config.auth().enabled();
        this.allowedHosts = config.allowedHosts().orElse(List.of()).stream()
                .map(host -> host.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    void screen(RoutingContext context) {
        if (context.request().path().startsWith("/q/")) {
            // Health and metrics: for the platform's probes, no token needed.
            context.next();
            return;
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(hostName(context.request().getHeader("Host")))) {
            ErrorAnswer.send(context, ErrorCode.HOST_NOT_ALLOWED.error("requests must be addressed to one of "
                    + new TreeSet<>(allowedHosts) + " (meshns.allowed-hosts)"));
            return;
        }
        if (Console.isPageRequest(context.request().method(), context.request().path())) {
            // The console's static files: they read nothing and change nothing.
            context.next();
            return;
        }
        if (context.request().method() != HttpMethod.POST) {
            context.response().putHeader("Allow", "POST");
            ErrorAnswer.send(context, ErrorCode.METHOD_NOT_ALLOWED.error(
                    "meshns functions are called with POST /{function} and a JSON body"));
            return;
        }
        if (!isJson(context.request().getHeader("Content-Type"))) {
            // Also what keeps another origin's page out: a form post or a text/plain fetch needs no
            // CORS preflight, so it must be refused here, before any function reads it.
            ErrorAnswer.send(context, unsupportedMediaType());
            return;
        }
        if (isStructuredEvent(context.request().getHeader("Content-Type"))
                && context.request().headers().names().stream().anyMatch(name -> name.toLowerCase(Locale.ROOT)
                        .startsWith("ce-"))) {
            // Both modes at once: Funqy would read it as a binary event with data it cannot decode (a 500).
            ErrorAnswer.send(context, ErrorCode.INVALID_CLOUDEVENT.error("send a CloudEvent either in binary mode "
                    + "(ce-* headers, Content-Type: application/json) or in structured mode "
                    + "(Content-Type: application/cloudevents+json, no ce-* headers), not both"));
            return;
        }
        if (authRequired && Access.bearerToken(context) == null) {
            // Before reading the body: no token, no service (the token itself is checked in the call).
            ErrorAnswer.send(context, ErrorCode.UNAUTHORIZED.error(
                    "send a Kubernetes bearer token of the control plane: Authorization: Bearer <token>"));
            return;
        }
        if (isEmpty(context.body())) {
            ErrorAnswer.send(context, emptyBody(context));
            return;
        }
        context.next();
    }

    /** The host name of a Host header, without its port, lower case: "[::1]:8080" is "[::1]". */
    static String hostName(String host) {
        if (host == null) {
            return "";
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        int port = name.lastIndexOf(':');
        return port > name.lastIndexOf(']') ? name.substring(0, port) : name;
    }

    /**
     * Quarkus reads the whole body before any route (Funqy asks for its body handler), whatever the
     * framing: Content-Length 0, a chunked body of no chunks, or neither header. Funqy itself would
     * fail with a NullPointerException on the last two.
     */
    static boolean isEmpty(RequestBody body) {
        return body == null || body.buffer() == null || body.buffer().length() == 0;
    }

    static MeshException emptyBody(RoutingContext context) {
        String function = context.request().path().substring(1);
        return ErrorCode.EMPTY_BODY.error("the request body is empty; "
                + (function.isEmpty() ? "a CloudEvent's data is the function's input" : function + " takes")
                + " a JSON object, e.g. {} or {\"name\": \"shop\"}");
    }

    static boolean isStructuredEvent(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT)
                .startsWith("application/cloudevents+json");
    }

    /** application/json, or a structured CloudEvent's application/cloudevents+json (parameters such as charset allowed). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim()
                .toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("application/cloudevents+json");
    }

    static MeshException unsupportedMediaType() {
        return ErrorCode.UNSUPPORTED_MEDIA_TYPE.error(
                "send Content-Type: application/json (or a CloudEvent: application/cloudevents+json, or ce-* headers with application/json)");
    }
}
