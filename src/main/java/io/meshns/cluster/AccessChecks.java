package io.meshns.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.config.MeshConfig;
import io.meshns.error.ErrorCode;
import io.meshns.kube.ClusterRequests;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.state.ClusterRecord;

/**
 * What a cluster's server and credentials must pass before they are stored: a server URL meshns may
 * send credentials to, credentials that are well formed and safe, and, for new ones, the cluster's
 * own acceptance. No message ever quotes a credential.
 */
final class AccessChecks {

    private final DataPlaneClients clients;
    private final MeshConfig config;

    AccessChecks(DataPlaneClients clients, MeshConfig config) {
        this.clients = clients;
        this.config = config;
    }

    /** An absolute https URL (http only when allowed) without user info, query or fragment; 400 otherwise. */
    void requireValidServer(String server) {
        if (server.contains("@")) {
            // Never echo it: the part before '@' may be a password.
            throw ErrorCode.INVALID_SERVER.error("'server' must not carry user info; pass credentials in 'token' or 'kubeconfig'");
        }
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw ErrorCode.INVALID_SERVER.error("'server' \"" + server + "\" is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw ErrorCode.INVALID_SERVER.error("'server' \"" + server + "\" must be an absolute URL like https://api.cluster.example:6443");
        }
        if (scheme.equals("http") && !config.allowPlaintextClusters()) {
            throw ErrorCode.PLAINTEXT_SERVER.error("'server' \"" + server
                    + "\" is plain http; meshns only sends credentials over https (set meshns.allow-plaintext-clusters=true for local demos and tests)");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw ErrorCode.INVALID_SERVER.error("'server' \"" + server + "\" must not carry a query or a fragment");
        }
    }

    /** Credentials that can be stored: well formed, and a kubeconfig that runs nothing and reads no file. */
    static void requireUsable(Credentials credentials) {
        credentials.requireWellFormed();
        if (credentials.kubeconfig() != null) {
            Credentials.requireSafeKubeconfig(credentials.kubeconfig());
        }
    }

    /**
     * Tries a cluster's server and credentials: one namespace read (a LIST of one) within the fan-out
     * timeout. 400 {@code credentials-refused} when the cluster answers 401 or 403, 502 when it cannot
     * be reached or answers otherwise; the message says what it answered, never a credential.
     */
    void requireAccepted(ClusterRecord cluster, Credentials credentials) {
        KubernetesClient client;
        try {
            client = clients.temporary(cluster.server(), credentials);
        } catch (DataPlaneClients.UnusableCredentials e) {
            throw ErrorCode.INVALID_CREDENTIALS.error("cluster \"" + cluster.name() + "\": " + e.getMessage());
        } catch (RuntimeException e) {
            // The exception may quote the credentials; only its type is reported.
            throw ErrorCode.INVALID_CREDENTIALS.error("no client could be built from the credentials of cluster \""
                    + cluster.name() + "\" (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Deadline deadline = Deadline.in(config.fanoutTimeout());
            deadline.retryAsync(() -> ClusterRequests.namespaces(client, 1L, null, deadline), ClusterRequests.work()).join();
        } catch (RuntimeException e) {
            Throwable failure = Deadline.unwrap(e);
            int status = KubeErrors.status(failure);
            String answer = KubeErrors.describe(failure);
            if (status == 401 || status == 403) {
                throw ErrorCode.CREDENTIALS_REFUSED.error("the credentials were tried against cluster \""
                        + cluster.name() + "\" at " + cluster.server() + " and " + answer + "; nothing was changed");
            }
            if (status != 0) {
                throw ErrorCode.CLUSTER_ERROR.error("cluster \"" + cluster.name() + "\" at " + cluster.server()
                        + " answered a namespace read with an error: " + answer + "; nothing was changed");
            }
            throw ErrorCode.CLUSTER_UNREACHABLE.error("cluster \"" + cluster.name() + "\" at " + cluster.server()
                    + " could not be reached: " + answer + "; nothing was changed");
        } finally {
            client.close();
        }
    }
}
