package io.meshns.function;

import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.mesh.WorkloadRestarts;
import io.meshns.service.ChangeOptions;
import io.meshns.service.RestartService;
import io.quarkus.funqy.Funq;

/** restartWorkloads: kubectl rollout restart of what a namespace's mode left to restart, in every (or some) cluster. */
public class RestartFunction {

    @Inject
    RestartService restarts;

    @Inject
    ClusterRegistry registry;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public WorkloadRestarts restartWorkloads(JsonNode body) {
        Input input = Input.of(body, "restartWorkloads", "namespace", "clusters", "clusterSelector", "dryRun");
        String namespace = input.requiredString("namespace");
        ClusterChoice choice = ClusterChoice.of(input);
        boolean dryRun = input.flag("dryRun");
        String by = access.require(Permission.deployments("patch", namespace));
        List<String> clusters = choice.names(registry);
        return redelivery.once("restartWorkloads", input.body(), WorkloadRestarts.class,
                () -> restarts.restart(namespace, clusters, new ChangeOptions(dryRun, false, by)));
    }
}
