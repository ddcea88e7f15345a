package io.meshns.demo;

import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.cluster.Credentials;
import io.meshns.mock.AccessReviewResponder;
import io.meshns.mock.MockApiServer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The embedded demo mesh: a control plane and two data-plane clusters, "east" and "west", as
 * in-process Kubernetes API servers, seeded with a few namespaces. Only in the demo build (-Pdemo).
 */
public class DemoMesh {

    private static final Logger LOG = Logger.getLogger(DemoMesh.class);

    @Inject
    ClusterRegistry registry;

    private List<MockApiServer> servers = List.of();

    void start(@Observes @Priority(1) StartupEvent event) {
        MockApiServer controlPlane = MockApiServer.start(DemoConfig.CONTROL_PLANE_PORT);
        // Istio's default injector in both clusters, revision 1-24-0 in east only: enough to see the precheck refuse.
        MockApiServer east = MockApiServer.start(DemoConfig.EAST_PORT).withInjectors("default", "1-24-0");
        MockApiServer west = MockApiServer.start(DemoConfig.WEST_PORT).withInjectors("default");
        servers = List.of(controlPlane, east, west);
        // For trying caller auth (MESHNS_AUTH_ENABLED=true): two users of the demo control plane.
        AccessReviewResponder.serve(controlPlane, Map.of("demo-admin-token", "admin", "demo-viewer-token", "viewer"),
                request -> request.startsWith("admin ") || request.matches("viewer (get|list) .*"));

        seed(controlPlane, "shop", "payments", "legacy");
        seed(east, "shop", "payments");
        seed(west, "shop", "legacy");
        // Another team's label, to show that meshns leaves it alone.
        east.client().namespaces().withName("shop").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("team", "storefront").endMetadata().build());

        // Pods that were running before any label: what restart impact is about.
        pod(east, "shop", "web-7d9f8b6c5d-x2x4z", "ReplicaSet", "web-7d9f8b6c5d", "7d9f8b6c5d");
        pod(east, "shop", "debug", null, null, null);
        pod(west, "shop", "cart-0", "StatefulSet", "cart", null);

        Credentials demoToken = new Credentials("demo-token", null, null);
        registry.register(new ClusterRegistry.Registration("east", east.url(), demoToken, Map.of("region", "east")));
        registry.register(new ClusterRegistry.Registration("west", west.url(), demoToken, Map.of("region", "west")));
        LOG.infof("demo mesh ready: control plane %s, data planes east %s and west %s", controlPlane.url(), east.url(),
                west.url());
    }

    void stop(@Observes ShutdownEvent event) {
        servers.forEach(MockApiServer::close);
    }

    private static void pod(MockApiServer server, String namespace, String name, String ownerKind, String owner, String hash) {
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("demo/app:1").endContainer().endSpec()
                .build();
        if (ownerKind != null) {
            pod.getMetadata().getOwnerReferences().add(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion("apps/v1").withKind(ownerKind).withName(owner).withUid(owner).withController(true).build());
        }
        if (hash != null) {
            pod.getMetadata().getLabels().put("pod-template-hash", hash);
        }
        server.client().pods().inNamespace(namespace).resource(pod).create();
    }

    private static void seed(MockApiServer server, String... namespaces) {
        for (String name : namespaces) {
            server.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .addToLabels("kubernetes.io/metadata.name", name).endMetadata().build()).create();
        }
    }
}
