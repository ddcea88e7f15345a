package io.meshns.cluster;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A registered data-plane cluster as callers see it. Holds no credential, only what kind there is.
 * registerCluster also fills {@code namespaces}, what bringing the new cluster up to date did, and
 * {@code resync}: "done", or why it could not finish (the next reconcile does it then); on a dry
 * run what it would do, and {@code dryRun} true.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Cluster(String name, String server, Map<String, String> labels, String credentials, String registered,
        List<NamespaceOutcome> namespaces, String resync, Boolean dryRun) {

    /** One namespace's outcome in one cluster. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NamespaceOutcome(String namespace, String outcome, String message) {
    }
}
