package io.meshns.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
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

    void start(@Observes @Priority(1) StartupEvent event) {
        if (!httpPortFree()) {
            return;
        }
        DemoServers demo = DemoServers.get();
        MockApiServer controlPlane = demo.controlPlane;
        // Istio's default injector in both clusters, revision 1-24-0 in east only: enough to see the precheck refuse.
        MockApiServer east = demo.east.withInjectors("default", "1-24-0");
        MockApiServer west = demo.west.withInjectors("default");
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
        LOG.info(ready(demo));
    }

    /**
     * Quarkus binds its own port only after this, and then says just that the port is in use: say
     * first how to start the demo on another, and seed nothing.
     */
    private static boolean httpPortFree() {
        int port = httpPort();
        InetAddress host;
        try {
            host = InetAddress.getByName(ConfigProvider.getConfig().getOptionalValue("quarkus.http.host", String.class)
                    .orElse("0.0.0.0"));
        } catch (UnknownHostException e) {
            return true; // Quarkus says so itself
        }
        if (port <= 0 || DemoServers.free(host, port)) {
            return true;
        }
        int other = DemoServers.firstFree(host, port + 1);
        String free = other > 0 ? String.valueOf(other) : "N";
        LOG.errorf("port %d is taken, so meshns cannot listen there: start the demo with -Dquarkus.http.port=%s"
                + " before -jar (or QUARKUS_HTTP_PORT=%s)", port, free, free);
        return false;
    }

    private static int httpPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
    }

    /** Where everything is, in one block: the README's examples use these URLs. */
    private static String ready(DemoServers demo) {
        int httpPort = httpPort();
        String block = "demo mesh ready (its state is in memory: restart the demo to start afresh)"
                + "\n  meshns         http://localhost:" + httpPort + "   (console and functions)"
                + "\n  control plane  " + demo.controlPlane.url()
                + "\n  east           " + demo.east.url()
                + "\n  west           " + demo.west.url();
        if (!demo.onBasePorts()) {
            block += "\n  (ports " + demo.basePort + "-" + (demo.basePort + 2) + " were not all free, so the next free ones"
                    + " were taken; -Dmeshns-demo.base-port=N (or MESHNS_DEMO_BASE_PORT=N) takes N, N+1, N+2)";
        }
        return block;
    }

    void stop(@Observes ShutdownEvent event) {
        DemoServers.stop();
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
