package io.meshns.api.state;

import static io.meshns.testing.Mesh.createNamespace;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.GatedProxy;
import io.meshns.testing.Mesh;

/**
 * One data plane (with the default injector) registered behind a {@link GatedProxy}, the namespace
 * made in it and in the control plane: the interleaving tests force their orderings at the proxy.
 */
final class ClusterBehindProxy implements AutoCloseable {

    final MockApiServer cluster;
    final GatedProxy proxy;

    private ClusterBehindProxy(MockApiServer cluster, GatedProxy proxy) {
        this.cluster = cluster;
        this.proxy = proxy;
    }

    /** Registers the cluster as {@code name}; its copy of {@code ns} gets {@code labels}, the control plane's none. */
    static ClusterBehindProxy register(String name, KubernetesClient controlPlane, String ns, Map<String, String> labels)
            throws Exception {
        MockApiServer cluster = MockApiServer.start().withInjectors("default");
        ClusterBehindProxy behindProxy = new ClusterBehindProxy(cluster, new GatedProxy(cluster.port()));
        try {
            createNamespace(controlPlane, ns, Map.of());
            createNamespace(cluster.client(), ns, labels);
            Mesh.register(name, behindProxy.proxy.url());
            return behindProxy;
        } catch (Exception | Error e) {
            // The test never gets it to close: nothing of a half-made set-up may outlive it.
            behindProxy.close();
            throw e;
        }
    }

    /** Deregisters every cluster, as the tests' own tear-down did, then stops the proxy and the cluster. */
    @Override
    public void close() throws Exception {
        Mesh.deregisterAll();
        proxy.close();
        cluster.close();
    }
}
