package io.meshns.mock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * An in-process Kubernetes API server (fabric8 mock, CRUD mode) on loopback, for tests, the demo
 * mesh and benchmarks. It also serves the discovery documents kubectl asks for first, so that
 * {@code kubectl --server URL get ns --show-labels} works against it, and so does
 * {@code kubectl apply --dry-run=client -f function.yaml} (RBAC and Knative kinds included).
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final Delayed dispatcher;
    private final KubernetesClient client;

    private MockApiServer(KubernetesMockServer server, Delayed dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.client = server.createClient();
    }

    /** Starts a server on a free loopback port. */
    public static MockApiServer start() {
        return start(0);
    }

    /** Starts a server on {@code port} of the loopback address (0: any free port). */
    public static MockApiServer start(int port) {
        return start(port, Duration.ZERO);
    }

    /**
     * Starts a server on {@code port} (0: any free port) that holds back each answer for {@code latency},
     * standing in for the network between meshns and a remote cluster. The wait is a timer on the
     * server's event loop, not a sleeping thread, so many requests wait at once as on a real network.
     */
    public static MockApiServer start(int port, Duration latency) {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        Delayed dispatcher = new Delayed(new KubernetesMixedDispatcher(expectations), latency);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        serveDiscovery(server);
        return new MockApiServer(server, dispatcher);
    }

    /**
     * Answers as the wrapped dispatcher does, after {@code latency}: mockwebserver sends a response with
     * a body delay from a Vert.x timer. The request itself is handled (and recorded) on arrival.
     */
    private static final class Delayed extends Dispatcher implements Resetable {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final Dispatcher answers;
        private volatile Duration latency;
        private volatile boolean pagedLists;
        private volatile java.util.Set<String> acceptedTokens;

        Delayed(Dispatcher answers, Duration latency) {
            this.answers = answers;
            this.latency = latency;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response;
            try {
                response = refusesToken(request) ? unauthorized()
                        : isDryRun(request) ? dryRun(request) : answers.dispatch(request);
                if (pagedLists && isLimitedList(request) && response != null && response.code() == 200) {
                    response = page(request, response);
                }
            } catch (RuntimeException e) {
                // The CRUD mock throws on a JSON Patch whose test op fails, and never answers: a real
                // API server answers 422 Unprocessable Entity.
                response = new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Invalid\","
                                + "\"code\":422,\"message\":" + quoted(String.valueOf(e.getMessage())) + "}");
            }
            Duration latency = this.latency;
            if (!latency.isZero() && response != null && response.getWebSocketListener() == null
                    && response.getBodyDelay() == null) {
                response.setBodyDelay(latency);
            }
            return response;
        }

        /**
         * The CRUD mock knows no dryRun=All and would store the change: answer as a real API server
         * would without storing anything. A create echoes the object; a patch, update or delete
         * answers with the object as it is (or its 404).
         */
        private MockResponse dryRun(RecordedRequest request) {
            if ("POST".equals(request.getMethod())) {
                return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                        .setBody(request.getUtf8Body());
            }
            String path = request.getPath().substring(0, request.getPath().indexOf('?'));
            return answers.dispatch(new RecordedRequest(request.getHttpVersion(), io.fabric8.mockwebserver.dsl.HttpMethod.GET,
                    path, request.getHeaders(), new io.fabric8.mockwebserver.http.Buffer()));
        }

        private static boolean isLimitedList(RecordedRequest request) {
            String path = request.getPath();
            return "GET".equals(request.getMethod()) && path != null && path.contains("limit=") && !path.contains("watch=");
        }

        /**
         * The CRUD mock answers a LIST whole: cut it to a page of {@code limit} items, in name order,
         * after the item the continue token names, and give the next page's token, as an API server
         * does. The token names the last item given, so items deleted between pages shift nothing.
         */
        private static MockResponse page(RecordedRequest request, MockResponse whole) {
            Map<String, String> query = new HashMap<>();
            String path = request.getPath();
            for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
            int limit = Integer.parseInt(query.get("limit"));
            String after = query.get("continue");
            try {
                ObjectNode list = (ObjectNode) JSON.readTree(whole.getBody().readUtf8());
                List<JsonNode> items = new ArrayList<>();
                list.path("items").forEach(items::add);
                items.sort(Comparator.comparing(Delayed::placeInList));
                ArrayNode page = list.putArray("items");
                for (JsonNode item : items) {
                    if (after != null && placeInList(item).compareTo(after) <= 0) {
                        continue;
                    }
                    if (page.size() == limit) {
                        ObjectNode meta = list.get("metadata") instanceof ObjectNode m ? m : list.putObject("metadata");
                        meta.put("continue", placeInList(page.get(limit - 1)));
                        break;
                    }
                    page.add(item);
                }
                return whole.setBody(JSON.writeValueAsString(list));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** An item's place in a paged list: its namespace and name. */
        private static String placeInList(JsonNode item) {
            return item.path("metadata").path("namespace").asText("") + "/" + item.path("metadata").path("name").asText("");
        }

        /** A request without an accepted bearer token, when only some are accepted. */
        private boolean refusesToken(RecordedRequest request) {
            java.util.Set<String> accepted = acceptedTokens;
            String authorization = request.getHeader("Authorization");
            return accepted != null && (authorization == null || !authorization.startsWith("Bearer ")
                    || !accepted.contains(authorization.substring("Bearer ".length())));
        }

        /** What a real API server answers a token it does not know. */
        private static MockResponse unauthorized() {
            return new MockResponse().setResponseCode(401).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                            + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}");
        }

        private static String quoted(String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
        }

        private static boolean isDryRun(RecordedRequest request) {
            String path = request.getPath();
            return path != null && path.contains("dryRun=All") && !"GET".equals(request.getMethod());
        }

        @Override
        public void reset() {
            if (answers instanceof Resetable resetable) {
                resetable.reset();
            }
        }

        @Override
        public void shutdown() {
            answers.shutdown();
        }
    }

    /** API group/version -> its resources as {plural, Kind, namespaced[, short name]}: what meshns and function.yaml use. */
    private static final Map<String, List<String[]>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("rbac.authorization.k8s.io/v1", List.of(new String[] { "clusterroles", "ClusterRole", "false" },
                new String[] { "clusterrolebindings", "ClusterRoleBinding", "false" },
                new String[] { "roles", "Role", "true" }, new String[] { "rolebindings", "RoleBinding", "true" }));
        GROUPS.put("serving.knative.dev/v1", List.<String[]> of(new String[] { "services", "Service", "true" }));
        GROUPS.put("eventing.knative.dev/v1", List.of(new String[] { "brokers", "Broker", "true" },
                new String[] { "triggers", "Trigger", "true" }));
        GROUPS.put("sources.knative.dev/v1", List.<String[]> of(new String[] { "pingsources", "PingSource", "true" }));
    }

    private static void serveDiscovery(KubernetesMockServer server) {
        serve(server, "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
                + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
        serve(server, "/api/v1", resourceList("v1", List.of(new String[] { "namespaces", "Namespace", "false", "ns" },
                new String[] { "configmaps", "ConfigMap", "true", "cm" }, new String[] { "secrets", "Secret", "true" },
                new String[] { "serviceaccounts", "ServiceAccount", "true" }, new String[] { "events", "Event", "true", "ev" },
                new String[] { "pods", "Pod", "true", "po" })));
        List<String> groups = new ArrayList<>();
        GROUPS.forEach((groupVersion, resources) -> {
            String group = groupVersion.substring(0, groupVersion.indexOf('/'));
            String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
            String versionJson = "{\"groupVersion\":\"" + groupVersion + "\",\"version\":\"" + version + "\"}";
            groups.add("{\"name\":\"" + group + "\",\"versions\":[" + versionJson + "],\"preferredVersion\":" + versionJson + "}");
            serve(server, "/apis/" + groupVersion, resourceList(groupVersion, resources));
        });
        serve(server, "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + String.join(",", groups) + "]}");
    }

    private static void serve(KubernetesMockServer server, String path, String json) {
        // kubectl adds ?timeout=32s to discovery requests; the mock matches paths with their query.
        for (String variant : new String[] { path, path + "?timeout=32s" }) {
            server.expect().get().withPath(variant).andReturn(200, json)
                    .withHeader("Content-Type", "application/json").always();
        }
    }

    private static String resourceList(String groupVersion, List<String[]> resources) {
        List<String> entries = new ArrayList<>();
        for (String[] r : resources) {
            entries.add("{\"name\":\"" + r[0] + "\",\"singularName\":\"\",\"namespaced\":" + r[2] + ",\"kind\":\"" + r[1]
                    + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]"
                    + (r.length > 3 ? ",\"shortNames\":[\"" + r[3] + "\"]" : "") + "}");
        }
        return "{\"kind\":\"APIResourceList\",\"groupVersion\":\"" + groupVersion + "\",\"resources\":["
                + String.join(",", entries) + "]}";
    }

    /**
     * Installs a sidecar injector for each revision, as Istio's does: a MutatingWebhookConfiguration
     * labelled istio.io/rev=R ("default": the one named istio-sidecar-injector). No webhook server
     * is behind it; meshns only looks for it.
     */
    public MockApiServer withInjectors(String... revisions) {
        for (String revision : revisions) {
            String name = "default".equals(revision) ? "istio-sidecar-injector" : "istio-sidecar-injector-" + revision;
            client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                    new io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder()
                            .withNewMetadata().withName(name).addToLabels("istio.io/rev", revision)
                            .addToLabels("app", "sidecar-injector").endMetadata().build())
                    .create();
        }
        return this;
    }

    /** The server's URL, e.g. http://127.0.0.1:18001. */
    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** A client of this server, for seeding and checking what meshns did. */
    public KubernetesClient client() {
        return client;
    }

    /**
     * From now on a LIST with a {@code limit} answers in pages with continue tokens, as a real API
     * server does (the CRUD mock alone answers every item at once).
     */
    public MockApiServer withPagedLists() {
        dispatcher.pagedLists = true;
        return this;
    }

    /**
     * From now on answers 401, as a real API server does, to every request without the bearer token
     * {@code token} or that of {@link #client()} (null: accepts any request again).
     */
    public MockApiServer acceptingOnlyToken(String token) {
        dispatcher.acceptedTokens = token == null ? null : java.util.Set.of(token, ownToken());
        return this;
    }

    /** The bearer token {@link #client()} sends. */
    public String ownToken() {
        return client.getConfiguration().getOauthToken();
    }

    /** Changes the delay of every answer from now on (e.g. none while seeding a benchmark). */
    public void latency(Duration latency) {
        dispatcher.latency = latency;
    }

    /** How many requests this server has answered so far. */
    public int requestCount() {
        return server.getRequestCount();
    }

    /** The underlying mock, for expectations beyond CRUD (e.g. TokenReview). */
    public KubernetesMockServer mock() {
        return server;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
