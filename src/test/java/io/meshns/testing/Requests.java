package io.meshns.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshns.mock.MockApiServer;

/** The requests an API server received, as "METHOD path", for counting what a call cost. */
public final class Requests {

    private Requests() {
    }

    /**
     * Takes every request recorded so far, leaving none behind. The paths are given without the
     * {@code fieldManager=meshns} every write of meshns carries (FieldManagerTest checks it is there):
     * what is counted here is which requests were sent.
     */
    public static List<String> drain(MockApiServer server) throws InterruptedException {
        return drain(server.mock());
    }

    /** The same, for a mock server made elsewhere (e.g. Quarkus' {@code @WithKubernetesTestServer}). */
    public static List<String> drain(io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server)
            throws InterruptedException {
        return drainAsSent(server).stream().map(Requests::withoutFieldManager).toList();
    }

    /** Takes every request recorded so far, with its path exactly as sent. */
    public static List<String> drainAsSent(io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server)
            throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    private static String withoutFieldManager(String request) {
        return request.replaceFirst("[?&]fieldManager=meshns$", "").replace("?fieldManager=meshns&", "?")
                .replace("&fieldManager=meshns&", "&");
    }

    /** Requests other than reads (GET): what changed something on the server. */
    public static List<String> writes(List<String> requests) {
        return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    public static long count(List<String> requests, String method) {
        return requests.stream().filter(r -> r.startsWith(method + " ")).count();
    }
}
