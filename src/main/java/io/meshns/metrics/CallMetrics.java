package io.meshns.metrics;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;

/**
 * Per function: meshns_calls_total{function, status} and the meshns_call_seconds timer, for every
 * call however it ends (success, caller mistake, failure), whether by HTTP or CloudEvent.
 */
@Singleton
public class CallMetrics {

    private static final String CE_PREFIX = "meshns.";

    private final MeterRegistry registry;

    CallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts and times the call once its answer has gone; health and metrics requests are not calls. */
    public void measure(RoutingContext context) {
        String path = context.request().path();
        if (path.startsWith("/q/")) {
            context.next();
            return;
        }
        Timer.Sample sample = Timer.start(registry);
        context.addEndHandler(done -> {
            String function = functionOf(context);
            String status = String.valueOf(context.response().getStatusCode());
            registry.counter("meshns.calls", "function", function, "status", status).increment();
            sample.stop(registry.timer("meshns.call", "function", function));
        });
        context.next();
    }

    /**
     * The function a call named: its path, or for a CloudEvent at "/" its type meshns.{function};
     * "unknown" for anything that is not a function, so random paths cannot flood the metrics.
     */
    static String functionOf(RoutingContext context) {
        String name = nameOf(context);
        return name != null && FunctionRecorder.registry.matchInvoker(name) != null ? name : "unknown";
    }

    private static String nameOf(RoutingContext context) {
        String path = context.request().path();
        if (path.length() > 1) {
            return path.substring(1);
        }
        String type = context.request().getHeader("ce-type");
        if (type == null && context.body() != null && context.body().length() > 0) {
            try {
                type = context.body().asJsonObject().getString("type");
            } catch (RuntimeException e) {
                type = null;
            }
        }
        return type != null && type.startsWith(CE_PREFIX) ? type.substring(CE_PREFIX.length()) : null;
    }
}
