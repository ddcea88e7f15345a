package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.mesh.Injection;
import io.meshns.mesh.MeshNamespace;
import io.meshns.service.InjectionService;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;

/** enableInjection, disableInjection, removeInjection: sidecar injection across the mesh. */
public class InjectionFunctions {

    @Inject
    InjectionService injection;

    @Funq
    @CloudEventMapping(trigger = "meshns.enableInjection", responseType = "meshns.enableInjection.result", responseSource = "meshns")
    public MeshNamespace enableInjection(JsonNode body) {
        Input input = Input.of(body, "enableInjection", "namespace", "revision");
        String namespace = input.requiredString("namespace");
        String revision = input.optionalString("revision");
        return injection.change(namespace, revision == null ? Injection.ENABLED : InjectionService.revision(revision));
    }

    @Funq
    @CloudEventMapping(trigger = "meshns.disableInjection", responseType = "meshns.disableInjection.result", responseSource = "meshns")
    public MeshNamespace disableInjection(JsonNode body) {
        return injection.change(Input.of(body, "disableInjection", "namespace").requiredString("namespace"),
                Injection.DISABLED);
    }

    @Funq
    @CloudEventMapping(trigger = "meshns.removeInjection", responseType = "meshns.removeInjection.result", responseSource = "meshns")
    public MeshNamespace removeInjection(JsonNode body) {
        return injection.change(Input.of(body, "removeInjection", "namespace").requiredString("namespace"),
                Injection.UNSET);
    }
}
