package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.mesh.MeshDescription;
import io.meshns.service.DescribeService;
import io.quarkus.funqy.Funq;

/** describeMesh: the live matrix of mesh namespaces against data-plane clusters; writes nothing. */
public class DescribeFunction {

    @Inject
    DescribeService describe;

    @Inject
    Access access;

    @Funq
    public MeshDescription describeMesh(JsonNode body) {
        Input input = Input.of(body, "describeMesh", "namespace", "pods");
        String namespace = input.optionalString("namespace");
        boolean pods = input.flag("pods");
        access.require(namespace == null ? Permission.namespaces("list", null) : Permission.namespaces("get", namespace));
        return describe.describe(namespace, pods);
    }
}
