package io.meshns.function;

import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.cluster.Cluster;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.function.Redelivery.AlreadyDone;
import io.meshns.service.ChangeOptions;
import io.meshns.service.ClusterService;
import io.quarkus.funqy.Funq;

/** registerCluster, deregisterCluster, listClusters: the data-plane clusters of the mesh. */
public class ClusterFunctions {

    @Inject
    ClusterService clusters;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public Cluster registerCluster(JsonNode body) {
        Input input = Input.of(body, "registerCluster", "name", "server", "token", "caCert", "kubeconfig", "labels", "dryRun");
        Credentials credentials = new Credentials(input.optionalString("token"), input.optionalString("caCert"),
                input.optionalString("kubeconfig"));
        var registration = new ClusterRegistry.Registration(input.requiredString("name"), input.requiredString("server"),
                credentials, input.optionalStringMap("labels"));
        boolean dryRun = input.flag("dryRun");
        String by = access.requireInStateNamespace("create", "secrets");
        // The ledger keeps a digest of the input: of everything but the credentials, which stay in the Secret.
        JsonNode withoutCredentials = ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy())
                .without(java.util.List.of("token", "caCert", "kubeconfig"));
        return redelivery.once("registerCluster", withoutCredentials, Cluster.class,
                () -> clusters.register(registration, new ChangeOptions(dryRun, false, by)),
                AlreadyDone.when("cluster-exists", firstClaimed -> clusters.registeredSince(registration, firstClaimed)));
    }

    @Funq
    public Answers.Deregistered deregisterCluster(JsonNode body) {
        Input input = Input.of(body, "deregisterCluster", "name", "dryRun");
        String name = input.requiredString("name");
        boolean dryRun = input.flag("dryRun");
        String by = access.requireInStateNamespace("delete", "secrets");
        return redelivery.once("deregisterCluster", body, Answers.Deregistered.class, () -> {
            clusters.deregister(name, new ChangeOptions(dryRun, false, by));
            return new Answers.Deregistered(name, true, dryRun ? Boolean.TRUE : null);
        }, AlreadyDone.when("cluster-not-found", firstClaimed -> Optional.of(new Answers.Deregistered(name, true, null))));
    }

    @Funq
    public Answers.Items<Cluster> listClusters(JsonNode body) {
        Input.of(body, "listClusters");
        access.requireInStateNamespace("list", "configmaps");
        return new Answers.Items<>(clusters.list());
    }
}
