package io.meshns.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Many data-plane API servers in one small place: one Vert.x instance listening on one loopback
 * port per cluster, each port with its own namespaces. Each answers the requests meshns sends a
 * data plane as a Kubernetes API server does (namespaces: GET, LIST with limit/continue, JSON Patch
 * with test ops, merge patch with a resourceVersion precondition, dryRun=All; the Istio sidecar
 * injectors' MutatingWebhookConfigurations; pods, none unless given, LIST with limit/continue), after
 * {@code latency}, from a timer, so every
 * request waits at once as on a network. A fabric8 mock per cluster costs a Vert.x instance each;
 * this costs a socket each, so a thousand clusters fit in a test or a benchmark.
 */
public final class ManyClusters implements AutoCloseable {

    /** Request kinds counted per cluster. */
    public enum Kind {
        GET, LIST, PATCH, OTHER
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBHOOKS = "{\"apiVersion\":\"admissionregistration.k8s.io/v1\","
            + "\"kind\":\"MutatingWebhookConfigurationList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
            + "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"MutatingWebhookConfiguration\","
            + "\"metadata\":{\"name\":\"istio-sidecar-injector\",\"resourceVersion\":\"1\",\"uid\":\"injector\","
            + "\"labels\":{\"app\":\"sidecar-injector\",\"istio.io/rev\":\"default\"}},\"webhooks\":[]}]}";
    private static final String NO_PODS = "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},"
            + "\"items\":[]}";

    /** One namespace as stored: immutable, so clusters seeded alike share it; its JSON made once. */
    private record Stored(String name, Map<String, String> labels, long version, byte[] json) {

        static Stored of(String name, Map<String, String> labels, long version) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("name", name);
            metadata.put("uid", "uid-" + name);
            metadata.put("resourceVersion", String.valueOf(version));
            metadata.put("creationTimestamp", "2026-01-01T00:00:00Z");
            metadata.put("labels", labels);
            Map<String, Object> ns = new LinkedHashMap<>();
            ns.put("apiVersion", "v1");
            ns.put("kind", "Namespace");
            ns.put("metadata", metadata);
            ns.put("spec", Map.of("finalizers", List.of("kubernetes")));
            ns.put("status", Map.of("phase", "Active"));
            try {
                return new Stored(name, Collections.unmodifiableMap(new TreeMap<>(labels)), version, JSON.writeValueAsBytes(ns));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One cluster's namespaces, by name; guarded by itself. */
    private static final class Cluster {
        final NavigableMap<String, Stored> namespaces = new TreeMap<>();
        final AtomicLong versions = new AtomicLong(1000);
    }

    private final Vertx vertx;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<Cluster> clusters = new ArrayList<>();
    private final AtomicLongArray counts;
    private volatile long latencyMillis;
    /** While recording: for each request, when it arrived and when its answer went out (nanoTime), and the latency then. */
    private final ConcurrentLinkedQueue<long[]> timings = new ConcurrentLinkedQueue<>();
    private volatile boolean recording;
    private volatile String webhooks = WEBHOOKS;
    /** Every cluster's pods, alike: each one's namespace and JSON, in namespace and name order. */
    private volatile List<String[]> pods = List.of();

    private ManyClusters(int count, Duration latency) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        this.latencyMillis = latency.toMillis();
        this.counts = new AtomicLongArray(count * Kind.values().length);
    }

    /** Starts {@code count} clusters, each with the namespaces of {@code seed} (name to labels). */
    public static ManyClusters start(int count, Duration latency, Map<String, Map<String, String>> seed) {
        ManyClusters many = new ManyClusters(count, latency);
        List<Stored> shared = new ArrayList<>();
        seed.forEach((name, labels) -> shared.add(Stored.of(name, labels, 1)));
        for (int i = 0; i < count; i++) {
            Cluster cluster = new Cluster();
            shared.forEach(ns -> cluster.namespaces.put(ns.name(), ns));
            many.clusters.add(cluster);
            int index = i;
            HttpServer server = many.vertx.createHttpServer().requestHandler(request -> many.handle(index, request));
            many.servers.add(server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join());
        }
        return many;
    }

    public int size() {
        return clusters.size();
    }

    public String url(int cluster) {
        return "http://127.0.0.1:" + servers.get(cluster).actualPort();
    }

    public void latency(Duration latency) {
        this.latencyMillis = latency.toMillis();
    }

    /** The labels of a namespace in a cluster, or null when it has none of that name. */
    public Map<String, String> labels(int cluster, String namespace) {
        Cluster c = clusters.get(cluster);
        synchronized (c) {
            Stored ns = c.namespaces.get(namespace);
            return ns == null ? null : ns.labels();
        }
    }

    /** Sets a namespace's labels as someone with kubectl would (creating it when missing). */
    public void setLabels(int cluster, String namespace, Map<String, String> labels) {
        Cluster c = clusters.get(cluster);
        synchronized (c) {
            c.namespaces.put(namespace, Stored.of(namespace, labels, c.versions.incrementAndGet()));
        }
    }

    /** Adds (or replaces) namespaces in every cluster, alike: name to labels. */
    public void seed(Map<String, Map<String, String>> namespaces) {
        List<Stored> shared = new ArrayList<>();
        namespaces.forEach((name, labels) -> shared.add(Stored.of(name, labels, 1)));
        for (Cluster cluster : clusters) {
            synchronized (cluster) {
                shared.forEach(ns -> cluster.namespaces.put(ns.name(), ns));
            }
        }
    }

    /** Every cluster has a sidecar injector of each of {@code revisions} ("default": istio-sidecar-injector), and no other. */
    public ManyClusters withInjectors(String... revisions) {
        StringBuilder items = new StringBuilder();
        for (String revision : revisions) {
            String name = "default".equals(revision) ? "istio-sidecar-injector" : "istio-sidecar-injector-" + revision;
            items.append(items.length() == 0 ? "" : ",").append("{\"apiVersion\":\"admissionregistration.k8s.io/v1\",")
                    .append("\"kind\":\"MutatingWebhookConfiguration\",\"metadata\":{\"name\":\"").append(name)
                    .append("\",\"resourceVersion\":\"1\",\"uid\":\"").append(name).append("\",\"labels\":{\"app\":")
                    .append("\"sidecar-injector\",\"istio.io/rev\":\"").append(revision).append("\"}},\"webhooks\":[]}");
        }
        webhooks = "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":\"MutatingWebhookConfigurationList\","
                + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[" + items + "]}";
        return this;
    }

    /**
     * Every cluster has these pods (each a Pod as JSON, with its metadata.namespace and name),
     * listed in namespace and name order; shared, so many clusters of many pods cost one copy.
     */
    public ManyClusters withPods(List<Map<String, Object>> podObjects) {
        List<String[]> made = new ArrayList<>();
        for (Map<String, Object> pod : podObjects) {
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) pod.get("metadata");
            try {
                made.add(new String[] { String.valueOf(metadata.get("namespace")), String.valueOf(metadata.get("name")),
                        JSON.writeValueAsString(pod) });
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        made.sort(java.util.Comparator.<String[], String> comparing(p -> p[0]).thenComparing(p -> p[1]));
        pods = List.copyOf(made);
        return this;
    }

    /** Requests of {@code kind} that a cluster received so far. */
    public long requests(int cluster, Kind kind) {
        return counts.get(cluster * Kind.values().length + kind.ordinal());
    }

    /** Requests of {@code kind} that all clusters received so far. */
    public long requests(Kind kind) {
        long total = 0;
        for (int i = 0; i < clusters.size(); i++) {
            total += requests(i, kind);
        }
        return total;
    }

    /** Starts (forgetting earlier ones) or stops recording when requests arrive and their answers go out. */
    public void record(boolean on) {
        timings.clear();
        recording = on;
    }

    /**
     * The requests recorded, in bursts: those that arrived less than {@code gap} after the one before
     * (a fan-out's requests arrive together; its next round waits for their answers). Each burst
     * says over how long its requests arrived, and how late after the latency their answers went out.
     */
    public List<Burst> bursts(Duration gap) {
        List<long[]> recorded = new ArrayList<>(timings);
        recorded.sort(java.util.Comparator.comparingLong(t -> t[0]));
        List<Burst> bursts = new ArrayList<>();
        List<long[]> current = new ArrayList<>();
        for (long[] t : recorded) {
            if (!current.isEmpty() && t[0] - current.get(current.size() - 1)[0] > gap.toNanos()) {
                bursts.add(Burst.of(current));
                current = new ArrayList<>();
            }
            current.add(t);
        }
        if (!current.isEmpty()) {
            bursts.add(Burst.of(current));
        }
        return bursts;
    }

    /** Requests that arrived together: how many, over how long, and their answers' lateness (p90, most). */
    public record Burst(int requests, double arrivalMillis, double lateP90Millis, double lateMostMillis) {

        static Burst of(List<long[]> timings) {
            long[] late = timings.stream().mapToLong(t -> t[1] - t[0] - t[2]).sorted().toArray();
            return new Burst(timings.size(), (timings.get(timings.size() - 1)[0] - timings.get(0)[0]) / 1e6,
                    late[(late.length - 1) * 9 / 10] / 1e6, late[late.length - 1] / 1e6);
        }
    }

    private void handle(int index, HttpServerRequest request) {
        long arrived = System.nanoTime();
        request.body().onComplete(body -> {
            Answer answer;
            try {
                answer = answer(index, request.method().name(), request.path(), request.query(),
                        request.getHeader("Content-Type"), body.succeeded() ? body.result() : Buffer.buffer());
            } catch (RuntimeException e) {
                answer = status(500, "InternalError", String.valueOf(e));
            }
            Answer done = answer;
            long latency = latencyMillis;
            Runnable reply = () -> {
                if (recording) {
                    timings.add(new long[] { arrived, System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(latency) });
                }
                request.response().setStatusCode(done.code()).putHeader("Content-Type", "application/json").end(done.body());
            };
            if (latency > 0) {
                vertx.setTimer(latency, id -> reply.run());
            } else {
                reply.run();
            }
        });
    }

    private record Answer(int code, Buffer body) {
    }

    private Answer answer(int index, String method, String path, String query, String contentType, Buffer body) {
        Cluster cluster = clusters.get(index);
        Map<String, String> params = params(query);
        if (path.equals("/api/v1/namespaces") && method.equals("GET")) {
            count(index, Kind.LIST);
            return list(cluster, params);
        }
        if (path.startsWith("/api/v1/namespaces/") && path.indexOf('/', "/api/v1/namespaces/".length()) < 0) {
            String name = path.substring("/api/v1/namespaces/".length());
            if (method.equals("GET")) {
                count(index, Kind.GET);
                synchronized (cluster) {
                    Stored ns = cluster.namespaces.get(name);
                    return ns == null ? notFound(name) : new Answer(200, Buffer.buffer(ns.json()));
                }
            }
            if (method.equals("PATCH")) {
                count(index, Kind.PATCH);
                return patch(cluster, name, contentType, body.toString(), "All".equals(params.get("dryRun")));
            }
        }
        count(index, path.endsWith("/pods") || path.endsWith("/mutatingwebhookconfigurations") ? Kind.LIST : Kind.OTHER);
        if (method.equals("GET") && path.equals("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations")) {
            return new Answer(200, Buffer.buffer(webhooks));
        }
        if (method.equals("GET") && (path.equals("/api/v1/pods") || path.matches("/api/v1/namespaces/[^/]+/pods"))) {
            List<String[]> all = pods;
            return all.isEmpty() ? new Answer(200, Buffer.buffer(NO_PODS))
                    : pods(all, path.equals("/api/v1/pods") ? null : path.split("/")[4], params);
        }
        return status(404, "NotFound", "the server could not find the requested resource");
    }

    /** A page of {@code all} (of one namespace, unless null): {@code limit} from the index {@code continue} gives. */
    private static Answer pods(List<String[]> all, String namespace, Map<String, String> params) {
        int limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : Integer.MAX_VALUE;
        int from = params.containsKey("continue") ? Integer.parseInt(params.get("continue")) : 0;
        Buffer items = Buffer.buffer();
        int taken = 0;
        int i = from;
        for (; i < all.size() && taken < limit; i++) {
            if (namespace == null || namespace.equals(all.get(i)[0])) {
                items.appendString(taken++ == 0 ? "" : ",").appendString(all.get(i)[2]);
            }
        }
        boolean more = false;
        for (int j = i; j < all.size() && !more; j++) {
            more = namespace == null || namespace.equals(all.get(j)[0]);
        }
        Buffer out = Buffer.buffer("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\""
                + (more ? ",\"continue\":\"" + i + "\"" : "") + "},\"items\":[");
        return new Answer(200, out.appendBuffer(items).appendString("]}"));
    }

    private void count(int cluster, Kind kind) {
        counts.incrementAndGet(cluster * Kind.values().length + kind.ordinal());
    }

    private static Answer list(Cluster cluster, Map<String, String> params) {
        long limit = params.containsKey("limit") ? Long.parseLong(params.get("limit")) : Long.MAX_VALUE;
        String from = params.get("continue");
        Buffer out = Buffer.buffer();
        String next = null;
        synchronized (cluster) {
            NavigableMap<String, Stored> page = from == null ? cluster.namespaces : cluster.namespaces.tailMap(from, true);
            out.appendString("{\"apiVersion\":\"v1\",\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\""
                    + cluster.versions.get() + "\"");
            Buffer items = Buffer.buffer();
            long taken = 0;
            for (Stored ns : page.values()) {
                if (taken == limit) {
                    next = ns.name();
                    break;
                }
                if (taken > 0) {
                    items.appendByte((byte) ',');
                }
                items.appendBytes(ns.json());
                taken++;
            }
            if (next != null) {
                out.appendString(",\"continue\":\"" + next + "\"");
            }
            out.appendString("},\"items\":[").appendBuffer(items).appendString("]}");
        }
        return new Answer(200, out);
    }

    private static Answer patch(Cluster cluster, String name, String contentType, String patch, boolean dryRun) {
        synchronized (cluster) {
            Stored ns = cluster.namespaces.get(name);
            if (ns == null) {
                return notFound(name);
            }
            Map<String, String> labels = new TreeMap<>(ns.labels());
            JsonNode tree;
            try {
                tree = JSON.readTree(patch);
            } catch (JsonProcessingException e) {
                return status(400, "BadRequest", "invalid patch: " + e.getOriginalMessage());
            }
            String version = String.valueOf(ns.version());
            if (contentType != null && contentType.startsWith("application/json-patch+json")) {
                for (JsonNode op : tree) {
                    String path = op.path("path").asText();
                    String kind = op.path("op").asText();
                    if (path.equals("/metadata/resourceVersion")) {
                        if (!op.path("value").asText().equals(version)) {
                            return kind.equals("test") ? status(422, "Invalid", "the test operation failed")
                                    : status(409, "Conflict", "the object has been modified");
                        }
                    } else if (path.equals("/metadata/labels") && kind.equals("add")) {
                        labels.clear();
                        op.path("value").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    } else if (path.startsWith("/metadata/labels/")) {
                        String key = path.substring("/metadata/labels/".length()).replace("~1", "/").replace("~0", "~");
                        if (kind.equals("remove")) {
                            if (labels.remove(key) == null) {
                                return status(422, "Invalid", "unable to remove nonexistent key: " + key);
                            }
                        } else if (kind.equals("add") || kind.equals("replace")) {
                            labels.put(key, op.path("value").asText());
                        } else if (kind.equals("test") && !op.path("value").asText().equals(labels.get(key))) {
                            return status(422, "Invalid", "the test operation failed");
                        }
                    } else {
                        return status(422, "Invalid", "unsupported patch path " + path);
                    }
                }
            } else if (contentType != null && contentType.startsWith("application/merge-patch+json")) {
                JsonNode metadata = tree.path("metadata");
                if (metadata.has("resourceVersion") && !metadata.get("resourceVersion").asText().equals(version)) {
                    return status(409, "Conflict", "the object has been modified");
                }
                metadata.path("labels").fields().forEachRemaining(e -> {
                    if (e.getValue().isNull()) {
                        labels.remove(e.getKey());
                    } else {
                        labels.put(e.getKey(), e.getValue().asText());
                    }
                });
            } else {
                return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format");
            }
            if (labels.equals(ns.labels())) {
                return new Answer(200, Buffer.buffer(ns.json()));
            }
            Stored changed = Stored.of(name, labels, dryRun ? ns.version() : cluster.versions.incrementAndGet());
            if (!dryRun) {
                cluster.namespaces.put(name, changed);
            }
            return new Answer(200, Buffer.buffer(changed.json()));
        }
    }

    private static Answer notFound(String name) {
        return status(404, "NotFound", "namespaces \"" + name + "\" not found");
    }

    private static Answer status(int code, String reason, String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        try {
            return new Answer(code, Buffer.buffer(JSON.writeValueAsBytes(status)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    @Override
    public void close() {
        CompletableFuture<?>[] closing = servers.stream().map(s -> s.close().toCompletionStage().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        vertx.close();
    }
}
