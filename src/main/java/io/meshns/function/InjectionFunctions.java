package io.meshns.function;

import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.MeshNamespace;
import io.meshns.service.ChangeOptions;
import io.meshns.service.InjectionService;
import io.quarkus.funqy.Funq;

/**
 * enableInjection, disableInjection, removeInjection, enableAmbient: a namespace's data-plane mode
 * across the mesh, or with "clusters" or "clusterSelector" in some clusters only.
 */
public class InjectionFunctions {

    @Inject
    InjectionService injection;

    @Inject
    ClusterRegistry registry;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public MeshNamespace enableInjection(JsonNode body) {
        Input input = Input.of(body, "enableInjection", "namespace", "revision", "clusters", "clusterSelector", "dryRun", "force");
        String namespace = input.requiredString("namespace");
        String revision = input.optionalString("revision");
        Injection wanted = revision == null ? Injection.ENABLED : InjectionService.revision(revision);
        return change("enableInjection", input, namespace, wanted);
    }

    @Funq
    public MeshNamespace disableInjection(JsonNode body) {
        Input input = Input.of(body, "disableInjection", "namespace", "clusters", "clusterSelector", "dryRun");
        return change("disableInjection", input, input.requiredString("namespace"), Injection.DISABLED);
    }

    @Funq
    public MeshNamespace removeInjection(JsonNode body) {
        Input input = Input.of(body, "removeInjection", "namespace", "clusters", "clusterSelector", "dryRun");
        return change("removeInjection", input, input.requiredString("namespace"), Injection.UNSET);
    }

    @Funq
    public MeshNamespace enableAmbient(JsonNode body) {
        Input input = Input.of(body, "enableAmbient", "namespace", "clusters", "clusterSelector", "dryRun");
        return change("enableAmbient", input, input.requiredString("namespace"), Injection.AMBIENT);
    }

    /** The one path of all four: mesh-wide, or in the named clusters only. */
    private MeshNamespace change(String function, Input input, String namespace, Injection wanted) {
        ClusterChoice choice = ClusterChoice.of(input);
        // force is a field of enableInjection only (Input refused it elsewhere); elsewhere it reads false.
        boolean dryRun = input.flag("dryRun");
        boolean force = input.flag("force");
        String by = access.require(Permission.namespaces("patch", namespace));
        List<String> clusters = choice.names(registry);
        return redelivery.once(function, input.body(), MeshNamespace.class,
                () -> injection.change(namespace, wanted, clusters, new ChangeOptions(dryRun, force, by)));
    }
}
