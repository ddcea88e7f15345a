package io.meshns.http;

import io.meshns.error.MeshException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one way an error is answered: its status and {"error": code, "message": what was wrong}. */
final class ErrorAnswer {

    private ErrorAnswer() {
    }

    static void send(RoutingContext context, MeshException error) {
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
