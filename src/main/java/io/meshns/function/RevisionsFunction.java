package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.mesh.RevisionReport;
import io.meshns.service.RevisionService;
import io.quarkus.funqy.Funq;

/** describeRevisions: the Istio revisions of every cluster, and which of them anything still uses; writes nothing. */
public class RevisionsFunction {

    @Inject
    RevisionService revisions;

    @Inject
    Access access;

    @Funq
    public RevisionReport describeRevisions(JsonNode body) {
        Input input = Input.of(body, "describeRevisions", "clusters");
        var clusters = input.optionalStringList("clusters");
        // The whole fleet's namespaces are read: the right describeMesh asks for them.
        access.require(Permission.namespaces("list", null));
        return revisions.describe(clusters);
    }
}
