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

/** registerCluster, updateCluster, deregisterCluster, listClusters: the data-plane clusters of the mesh. */
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
        return redelivery.once("registerCluster", withoutCredentials(body), Cluster.class,
                () -> clusters.register(registration, new ChangeOptions(dryRun, false, by)),
                AlreadyDone.when("cluster-exists", firstClaimed -> clusters.registeredSince(registration, firstClaimed)));
    }

    @Funq
    public Cluster updateCluster(JsonNode body) {
        Input input = Input.of(body, "updateCluster", "name", "server", "token", "caCert", "kubeconfig", "labels", "dryRun");
        String token = input.optionalString("token");
        String caCert = input.optionalString("caCert");
        String kubeconfig = input.optionalString("kubeconfig");
        // Credentials are replaced as a whole: any one of them given drops the others stored.
        Credentials credentials = token == null && caCert == null && kubeconfig == null ? null
                : new Credentials(token, caCert, kubeconfig);
        var update = new ClusterRegistry.Update(input.requiredString("name"), input.optionalString("server"), credentials,
                input.givenStringMap("labels"));
        boolean dryRun = input.flag("dryRun");
        String by = access.requireInStateNamespace("create", "secrets");
        return redelivery.once("updateCluster", withoutCredentials(body), Cluster.class,
                () -> clusters.update(update, new ChangeOptions(dryRun, false, by)));
    }

    @Funq
    public Answers.Deregistered deregisterCluster(JsonNode body) {
        Input input = Input.of(body, "deregisterCluster", "name", "dryRun");
        String name = input.requiredString("name");
        boolean dryRun = input.flag("dryRun");
        String by = access.requireInStateNamespace("delete", "secrets");
        return redelivery.once("deregisterCluster", body, Answers.Deregistered.class, () -> new Answers.Deregistered(name, true,
                dryRun ? Boolean.TRUE : null, clusters.deregister(name, new ChangeOptions(dryRun, false, by))),
                // Its settings went with the first delivery: none is left to name.
                AlreadyDone.when("cluster-not-found",
                        firstClaimed -> Optional.of(new Answers.Deregistered(name, true, null, java.util.List.of()))));
    }

    /** The ledger keeps a digest of the input: of everything but the credentials, which stay in the Secret. */
    private static JsonNode withoutCredentials(JsonNode body) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy())
                .without(java.util.List.of("token", "caCert", "kubeconfig"));
    }

    @Funq
    public Answers.Items<Cluster> listClusters(JsonNode body) {
        Input.of(body, "listClusters");
        access.requireInStateNamespace("list", "configmaps");
        return new Answers.Items<>(clusters.list());
    }
}
