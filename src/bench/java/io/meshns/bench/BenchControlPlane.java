package io.meshns.bench;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.real.KubeApiServer;
import io.meshns.testing.real.RealKube;

/**
 * The control plane of one benchmark run: fabric8's CRUD mock ("mock"), or a real kube-apiserver
 * on etcd ("real", the real-Kubernetes tier's, from .ci/install-kube.sh). The mock matches every
 * stored object against each request under one lock, so with thousands of objects (state
 * ConfigMaps, Events) it answers one request at a time, slower as they pile up; the real one looks
 * objects up by key, many at once. On the real one each run keeps its state in a namespace of its
 * own (a namespace cannot be deleted there without a controller-manager), and the function uses
 * the admin token.
 */
record BenchControlPlane(KubernetesClient client, List<String> properties, Map<String, String> environment,
        AutoCloseable stop) implements AutoCloseable {

    static BenchControlPlane start(String kind, String stateNamespace) throws Exception {
        if ("real".equals(kind)) {
            KubeApiServer server = RealKube.servers().controlPlane();
            return new BenchControlPlane(server.admin(), List.of("-Dquarkus.kubernetes-client.api-server-url=" + server.url(),
                    "-Dquarkus.kubernetes-client.ca-cert-file=" + server.caFile(), "-Dmeshns.state-namespace=" + stateNamespace),
                    Map.of("QUARKUS_KUBERNETES_CLIENT_TOKEN", server.token("admin")), () -> {
                    });
        }
        if (!"mock".equals(kind)) {
            throw new IllegalArgumentException("a control plane is \"mock\" or \"real\", not \"" + kind + "\"");
        }
        MockApiServer mock = MockApiServer.start();
        return new BenchControlPlane(mock.client(), List.of("-Dquarkus.kubernetes-client.api-server-url=" + mock.url()), Map.of(),
                mock);
    }

    /** Makes the namespace, or sets its labels when an earlier run made it. */
    void namespace(String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .build()).createOr(existing -> existing.update());
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }
}
