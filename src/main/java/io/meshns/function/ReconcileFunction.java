package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
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
        String namespace = Input.of(body, "reconcile", "namespace").optionalString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return reconcile.reconcile(namespace);
    }

    /**
     * The same, for the PingSource of function.yaml: its events have type dev.knative.sources.ping,
     * and each one reconciles every namespace.
     */
    @Funq
    public ReconcileService.Report reconcileOnSchedule(JsonNode ignored) {
        access.require(Permission.namespaces("patch", null));
        return reconcile.reconcile(null);
    }
}
