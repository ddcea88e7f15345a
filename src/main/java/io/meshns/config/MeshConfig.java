package io.meshns.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Every setting of meshns; each also works as an environment variable (MESHNS_FANOUT_TIMEOUT, ...). */
@ConfigMapping(prefix = "meshns")
public interface MeshConfig {

    /** Control-plane namespace holding meshns' ConfigMaps and Secrets; created when first needed. */
    @WithDefault("meshns-system")
    String stateNamespace();

    /** Deadline for one data-plane cluster in one call, retries included. */
    @WithDefault("5s")
    Duration fanoutTimeout();

    /**
     * The longest any call may take, waits for a namespace's lock included. Keep it under the
     * platform's request timeout (function.yaml: 60 s); start-up fails if a change cannot fit in it.
     */
    @WithDefault("50s")
    Duration callTimeout();

    /** Accept http:// data-plane servers. Only for local demos and tests: tokens would cross the wire in clear. */
    @WithDefault("false")
    boolean allowPlaintextClusters();

    /**
     * Namespaces no call may touch, in addition to kube-system, kube-public, kube-node-lease,
     * istio-system and the state namespace, which are always protected.
     */
    Optional<List<String>> protectedNamespaces();

    /**
     * Namespaces asked for per request when reconcile lists a data-plane cluster (limit/continue), so
     * a cluster with tens of thousands of namespaces is read in bounded pieces.
     */
    @WithDefault("500")
    int listPageSize();

    /**
     * Namespaces asked for per request when describeMesh reads every namespace of a data-plane
     * cluster: most clusters answer in one page, and a very large one costs a page at a time.
     */
    @WithDefault("5000")
    int describePageSize();

    /**
     * Host names (without port) that requests may be addressed to, e.g. localhost; empty: any. A
     * function bound to loopback with auth off sets it, so that a web page whose own host name
     * resolves to 127.0.0.1 (DNS rebinding) cannot drive it. Health and metrics (/q/) are exempt.
     */
    Optional<List<String>> allowedHosts();

    /** Caller authentication and authorization. */
    Auth auth();

    interface Auth {
        /** Check each caller's bearer token (TokenReview) and permission (SubjectAccessReview) against the control plane. */
        @WithDefault("true")
        boolean enabled();

        /** How long a positive TokenReview or SubjectAccessReview answer is reused. */
        @WithName("cache-ttl")
        @WithDefault("10s")
        Duration cacheTtl();

        /**
         * Audiences a caller's token may be issued for (TokenReview spec.audiences), e.g. the
         * audience of the OIDC tokens Knative Eventing sends; empty: the API server's own.
         */
        Optional<List<String>> audiences();
    }
}
