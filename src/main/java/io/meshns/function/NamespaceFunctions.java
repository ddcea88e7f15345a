package io.meshns.function;

import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.function.Redelivery.AlreadyDone;
import io.meshns.mesh.MeshNamespace;
import io.meshns.service.ChangeOptions;
import io.meshns.service.NamespaceService;
import io.quarkus.funqy.Funq;

/** createNamespace, getNamespace, listNamespaces, deleteNamespace: mesh namespaces in the control plane. */
public class NamespaceFunctions {

    @Inject
    NamespaceService namespaces;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public MeshNamespace createNamespace(JsonNode body) {
        Input input = Input.of(body, "createNamespace", "name", "labels", "dryRun");
        String name = input.requiredString("name");
        var labels = input.optionalStringMap("labels");
        boolean dryRun = input.flag("dryRun");
        String by = access.require(Permission.namespaces("create", name));
        return redelivery.once("createNamespace", body, MeshNamespace.class,
                () -> namespaces.create(name, labels, new ChangeOptions(dryRun, false, by)),
                AlreadyDone.when("namespace-exists", firstClaimed -> namespaces.createdSince(name, firstClaimed)));
    }

    @Funq
    public MeshNamespace getNamespace(JsonNode body) {
        String name = Input.of(body, "getNamespace", "name").requiredString("name");
        access.require(Permission.namespaces("get", name));
        return namespaces.get(name);
    }

    @Funq
    public Answers.Items<MeshNamespace> listNamespaces(JsonNode body) {
        String selector = Input.of(body, "listNamespaces", "labelSelector").optionalString("labelSelector");
        access.require(Permission.namespaces("list", null));
        return new Answers.Items<>(namespaces.list(selector));
    }

    @Funq
    public Answers.Deleted deleteNamespace(JsonNode body) {
        Input input = Input.of(body, "deleteNamespace", "name", "dryRun");
        String name = input.requiredString("name");
        boolean dryRun = input.flag("dryRun");
        String by = access.require(Permission.namespaces("delete", name));
        return redelivery.once("deleteNamespace", body, Answers.Deleted.class, () -> {
            namespaces.delete(name, new ChangeOptions(dryRun, false, by));
            return new Answers.Deleted(name, true, dryRun ? Boolean.TRUE : null);
        }, AlreadyDone.when("namespace-not-found", firstClaimed -> Optional.of(new Answers.Deleted(name, true, null))));
    }
}
