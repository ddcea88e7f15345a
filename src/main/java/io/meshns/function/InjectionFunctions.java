package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.mesh.Injection;
import io.meshns.mesh.MeshNamespace;
import io.meshns.service.InjectionService;
import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import io.quarkus.funqy.knative.events.CloudEventMapping;

/** enableInjection, disableInjection, removeInjection: sidecar injection across the mesh. */
public class InjectionFunctions {

    @Inject
    InjectionService injection;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    @CloudEventMapping(trigger = "meshns.enableInjection", responseType = "meshns.enableInjection.result", responseSource = "meshns")
    public MeshNamespace enableInjection(JsonNode body, @Context CloudEvent<?> event) {
        Input input = Input.of(body, "enableInjection", "namespace", "revision");
        String namespace = input.requiredString("namespace");
        String revision = input.optionalString("revision");
        Injection wanted = revision == null ? Injection.ENABLED : InjectionService.revision(revision);
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once(event, "enableInjection", MeshNamespace.class, () -> injection.change(namespace, wanted));
    }

    @Funq
    @CloudEventMapping(trigger = "meshns.disableInjection", responseType = "meshns.disableInjection.result", responseSource = "meshns")
    public MeshNamespace disableInjection(JsonNode body, @Context CloudEvent<?> event) {
        String namespace = Input.of(body, "disableInjection", "namespace").requiredString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once(event, "disableInjection", MeshNamespace.class,
                () -> injection.change(namespace, Injection.DISABLED));
    }

    @Funq
    @CloudEventMapping(trigger = "meshns.removeInjection", responseType = "meshns.removeInjection.result", responseSource = "meshns")
    public MeshNamespace removeInjection(JsonNode body, @Context CloudEvent<?> event) {
        String namespace = Input.of(body, "removeInjection", "namespace").requiredString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once(event, "removeInjection", MeshNamespace.class,
                () -> injection.change(namespace, Injection.UNSET));
    }
}
