package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.mesh.Injection;
import io.meshns.mesh.MeshNamespace;
import io.meshns.service.InjectionService;
import io.quarkus.funqy.Funq;

/** enableInjection, disableInjection, removeInjection, enableAmbient: a namespace's data-plane mode across the mesh. */
public class InjectionFunctions {

    @Inject
    InjectionService injection;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public MeshNamespace enableInjection(JsonNode body) {
        Input input = Input.of(body, "enableInjection", "namespace", "revision");
        String namespace = input.requiredString("namespace");
        String revision = input.optionalString("revision");
        Injection wanted = revision == null ? Injection.ENABLED : InjectionService.revision(revision);
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once("enableInjection", MeshNamespace.class, () -> injection.change(namespace, wanted));
    }

    @Funq
    public MeshNamespace disableInjection(JsonNode body) {
        String namespace = Input.of(body, "disableInjection", "namespace").requiredString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once("disableInjection", MeshNamespace.class,
                () -> injection.change(namespace, Injection.DISABLED));
    }

    @Funq
    public MeshNamespace removeInjection(JsonNode body) {
        String namespace = Input.of(body, "removeInjection", "namespace").requiredString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once("removeInjection", MeshNamespace.class,
                () -> injection.change(namespace, Injection.UNSET));
    }

    @Funq
    public MeshNamespace enableAmbient(JsonNode body) {
        String namespace = Input.of(body, "enableAmbient", "namespace").requiredString("namespace");
        access.require(Permission.namespaces("patch", namespace));
        return redelivery.once("enableAmbient", MeshNamespace.class, () -> injection.change(namespace, Injection.AMBIENT));
    }
}
