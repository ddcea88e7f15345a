package io.meshns.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshns.mock.MockApiServer;

/** N in-process data-plane API servers, set up in parallel, with the requests each one received. */
final class DataPlaneServers implements AutoCloseable {

    /** Setting up servers is the benchmark's own work: a few threads, so the machine stays usable. */
    private static final int SETUP_THREADS = 4;

    private final List<MockApiServer> servers;

    private DataPlaneServers(List<MockApiServer> servers) {
        this.servers = servers;
    }

    static DataPlaneServers start(int count, Duration latency) {
        // Each with the default sidecar injector, which the precheck of enableInjection looks for.
        return start(count, latency, "default");
    }

    /** {@code count} servers, each with a sidecar injector of each of {@code revisions}. */
    static DataPlaneServers start(int count, Duration latency, String... revisions) {
        List<MockApiServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MockApiServer server = MockApiServer.start(0, Duration.ZERO).withInjectors(revisions);
            server.latency(latency);
            servers.add(server);
        }
        return new DataPlaneServers(servers);
    }

    List<MockApiServer> all() {
        return servers;
    }

    List<MockApiServer> first(int count) {
        return servers.subList(0, count);
    }

    MockApiServer get(int index) {
        return servers.get(index);
    }

    void latency(Duration latency) {
        servers.forEach(server -> server.latency(latency));
    }

    /** Runs {@code work} on each of {@code targets}, a few at once, and waits for all of them. */
    static void inParallel(List<MockApiServer> targets, Consumer<MockApiServer> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (MockApiServer server : targets) {
                running.add(pool.submit(() -> work.accept(server)));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Forgets the requests recorded so far by every server. */
    void forgetRequests() throws InterruptedException {
        for (MockApiServer server : servers) {
            takeAll(server);
        }
    }

    /** The requests one server received since the last drain, counted by kind ("LIST", "PATCH", ...). */
    static Map<String, Integer> requestsByKind(MockApiServer server) throws InterruptedException {
        Map<String, Integer> kinds = new TreeMap<>();
        for (RecordedRequest request : takeAll(server)) {
            kinds.merge(kind(request.getMethod(), request.getPath()), 1, Integer::sum);
        }
        return kinds;
    }

    /**
     * LIST is a GET of a collection; GET reads one object; EVENT is the POST of an Event (sent after a
     * call's answer); the rest go by their HTTP method.
     */
    static String kind(String method, String pathAndQuery) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        if (method.equals("POST") && path.endsWith("/events")) {
            return "EVENT";
        }
        if (!method.equals("GET")) {
            return method;
        }
        return path.equals("/api/v1/namespaces") || path.endsWith("/configmaps") || path.endsWith("/secrets") ? "LIST" : "GET";
    }

    private static List<RecordedRequest> takeAll(MockApiServer server) throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.mock().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request);
        }
        return requests;
    }

    @Override
    public void close() {
        servers.forEach(MockApiServer::close);
    }
}
