package io.meshns.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.ImpersonatorInterceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.meshns.config.MeshConfig;
import io.meshns.kube.RequestDeadlines;
import io.meshns.mesh.UntrustedText;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;

/**
 * One fabric8 client per data-plane cluster, built from its Secret and kept while the instance is
 * warm. A client is rebuilt when its Secret or server changes and closed when the cluster leaves.
 * <p>
 * Every client runs on Quarkus' own Vert.x instance (its event loops; each client keeps only its
 * own connection pool, credentials and TLS settings) and shares one serialization, so a thousand
 * clusters cost a thousand small clients, not a thousand sets of threads and JSON mappers.
 */
@ApplicationScoped
public class DataPlaneClients {

    private record Cached(String version, KubernetesClient client) {
    }

    private final Map<String, Cached> clients = new ConcurrentHashMap<>();
    private final MeshConfig config;
    private final HttpClient.Factory httpClients;
    private final KubernetesSerialization serialization;

    public DataPlaneClients(MeshConfig config, Vertx vertx, KubernetesSerialization serialization) {
        this.config = config;
        // Given a Vert.x instance, fabric8 neither makes nor closes one of its own.
        this.httpClients = new VertxHttpClientFactory(new SmallPools(vertx));
        this.serialization = serialization;
    }

    /** The name fabric8 gives its interceptor of custom headers and the User-Agent. */
    static final String HEADER_INTERCEPTOR = "HEADER";

    /** Connections one cluster's client may open at once; more requests wait for one. */
    static final int CONNECTIONS_PER_CLUSTER = 64;

    /**
     * Quarkus' Vert.x, making HTTP clients with a pool of {@link #CONNECTIONS_PER_CLUSTER}: fabric8
     * asks for 8,192 (for watches, which meshns does not use on data planes), and Vert.x keeps an
     * array of that many slots per client: 32 KB each, a quarter of a 128 MiB heap at 1,000 clusters.
     * (fabric8 7.5 does not call its factory's additionalConfig, so the pool is set here.)
     */
    private static final class SmallPools extends VertxWrapper {

        SmallPools(Vertx vertx) {
            super((VertxInternal) vertx);
        }

        @Override
        public io.vertx.core.http.HttpClient createHttpClient(HttpClientOptions options, PoolOptions pool) {
            return super.createHttpClient(options,
                    new PoolOptions(pool).setHttp1MaxSize(Math.min(pool.getHttp1MaxSize(), CONNECTIONS_PER_CLUSTER)));
        }
    }

    /** The client for a cluster, reusing the one built for the same server and Secret version. */
    public KubernetesClient clientFor(String cluster, String server, Secret secret) {
        String version = server + "@" + secret.getMetadata().getResourceVersion();
        Cached cached = clients.compute(cluster, (name, old) -> {
            if (old != null && old.version().equals(version)) {
                return old;
            }
            if (old != null) {
                old.client().close();
            }
            return new Cached(version, build(server, Credentials.fromSecret(secret)));
        });
        return cached.client();
    }

    /** A client that is not kept: the caller closes it (a dry run of a registration). */
    public KubernetesClient temporary(String server, Credentials credentials) {
        return build(server, credentials);
    }

    /** Closes and drops a cluster's client (after deregistration). */
    public void forget(String cluster) {
        Cached old = clients.remove(cluster);
        if (old != null) {
            old.client().close();
        }
    }

    /** Credentials that no request can carry; the message is safe to show. */
    public static final class UnusableCredentials extends RuntimeException {
        UnusableCredentials(String message) {
            super(message);
        }
    }

    @PreDestroy
    void closeAll() {
        clients.keySet().forEach(this::forget);
    }

    private KubernetesClient build(String server, Credentials credentials) {
        // Stored before registration refused them: sent, it would fail every request and be quoted in the error.
        if (UntrustedText.hasControlCharacters(credentials.token())) {
            throw new UnusableCredentials("its stored token contains a control character; register the cluster "
                    + "again (or update it) with the token alone");
        }
        Config base = credentials.kubeconfig() != null ? Config.fromKubeconfig(credentials.kubeconfig()) : Config.empty();
        int timeoutMillis = (int) Math.max(1, config.fanoutTimeout().toMillis());
        ConfigBuilder builder = new ConfigBuilder(base)
                .withMasterUrl(server)
                .withConnectionTimeout(timeoutMillis)
                .withRequestTimeout(timeoutMillis)
                // meshns retries on its own, within the fan-out deadline (Deadline.retry).
                .withRequestRetryBackoffLimit(0);
        if (credentials.token() != null) {
            builder.withOauthToken(credentials.token());
        }
        if (credentials.caCert() != null) {
            builder.withCaCertData(Base64.getEncoder().encodeToString(credentials.caCert().getBytes(StandardCharsets.UTF_8)));
        }
        Config built = builder.build();
        return new KubernetesClientBuilder().withConfig(built).withHttpClientFactory(httpClients)
                .withHttpClientBuilderConsumer(http -> interceptors(http, built, Duration.ofMillis(timeoutMillis)))
                .withKubernetesSerialization(serialization).build();
    }

    /**
     * A data-plane client's interceptors: {@link RequestDeadlines}, and of fabric8's only those with
     * something to do. fabric8 rebuilds each request once per interceptor and adds a step per
     * interceptor to each answer, four thousand times in a change over a thousand clusters; its
     * header and impersonation interceptors have nothing to do for credentials that ask for no custom
     * header and no impersonation, so such a client goes without them, and the User-Agent the
     * header interceptor would have set is set by {@link RequestDeadlines}.
     */
    static void interceptors(HttpClient.Builder http, Config config, Duration fallbackTimeout) {
        boolean customHeaders = config.getCustomHeaders() != null && !config.getCustomHeaders().isEmpty();
        if (!customHeaders) {
            http.addOrReplaceInterceptor(HEADER_INTERCEPTOR, null);
        }
        if (!impersonates(config)) {
            http.addOrReplaceInterceptor(ImpersonatorInterceptor.NAME, null);
        }
        http.addOrReplaceInterceptor(RequestDeadlines.NAME,
                new RequestDeadlines(fallbackTimeout, customHeaders ? null : config.getUserAgent()));
    }

    /** True when the config makes requests act as someone else (fabric8 then sends Impersonate-* headers). */
    private static boolean impersonates(Config config) {
        return (config.getImpersonateUsername() != null && !config.getImpersonateUsername().isEmpty())
                || (config.getImpersonateGroups() != null && config.getImpersonateGroups().length > 0)
                || (config.getImpersonateExtras() != null && !config.getImpersonateExtras().isEmpty());
    }
}
