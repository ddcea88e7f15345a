package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.service.ChangeOptions;
import io.meshns.service.ReconcileService;
import io.quarkus.funqy.Funq;

/** reconcile: repair every data-plane cluster from the control plane's injection labels. */
public class ReconcileFunction {

    @Inject
    ReconcileService reconcile;

    @Inject
    Access access;

    @Funq
    public ReconcileService.Report reconcile(JsonNode body) {
        Input input = Input.of(body, "reconcile", "namespace", "dryRun");
        String namespace = input.optionalString("namespace");
        boolean dryRun = input.flag("dryRun");
        // Repairs only towards what is already wanted: the narrow right to ask for them is enough.
        String by = access.requireAny(Permission.namespaces("patch", namespace), Permission.reconciles());
        return reconcile.reconcile(namespace, new ChangeOptions(dryRun, false, by));
    }

    /**
     * The same, for the PingSource of function.yaml: its events have type dev.knative.sources.ping,
     * and each one reconciles every namespace.
     */
    @Funq
    public ReconcileService.Report reconcileOnSchedule(JsonNode ignored) {
        String by = access.requireAny(Permission.namespaces("patch", null), Permission.reconciles());
        return reconcile.reconcile(null, new ChangeOptions(false, false, by));
    }
}
