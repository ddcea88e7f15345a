package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;

class RequestDeadlinesTest {

    private final RequestDeadlines deadlines = new RequestDeadlines(Duration.ofSeconds(5));

    /** What fabric8 sends: the request as the interceptor leaves it. */
    private StandardHttpRequest sent(StandardHttpRequest request) {
        StandardHttpRequest.Builder builder = request.newBuilder();
        deadlines.before(builder, request, null);
        return builder.build();
    }

    @Test
    void aRequestSentWithADeadlineTimesOutAtIt() {
        StandardHttpRequest request = (StandardHttpRequest) new StandardHttpRequest.Builder()
                .uri("https://east.example:6443/api/v1/namespaces/shop").build();
        assertNull(request.getTimeout(), "no timeout of fabric8's own, so fabric8 puts no timer around it");
        StandardHttpRequest sent = RequestDeadlines.sending(1234, () -> sent(request));
        assertEquals(Duration.ofMillis(1234), sent.getTimeout());
    }

    @Test
    void aRequestFabric8SendsAgainOnItsOwnGetsTheFanOutTimeout() {
        StandardHttpRequest request = (StandardHttpRequest) new StandardHttpRequest.Builder()
                .uri("https://east.example:6443/api/v1/namespaces/shop").build();
        assertEquals(Duration.ofSeconds(5), sent(request).getTimeout());
    }

    /**
     * Through a real client: the interceptor reads the deadline on the thread that sends, so it must
     * be the one that runs it. A server that never answers is given up on at the deadline, not at
     * the far later fallback.
     */
    @Test
    void aClusterThatNeverAnswersIsGivenUpOnAtTheDeadline() throws Exception {
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread accepting = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + silent.getLocalPort()).build())
                    .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(RequestDeadlines.NAME,
                            new RequestDeadlines(Duration.ofSeconds(60))))
                    .build()) {
                long start = System.nanoTime();
                var answer = ClusterRequests.namespace(client, "shop", Deadline.in(Duration.ofMillis(500)));
                assertThrows(ExecutionException.class, () -> answer.get(30, TimeUnit.SECONDS));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 10_000, "gave up after " + millis + " ms, not at the 500 ms deadline");
            }
        } finally {
            for (Socket socket : List.copyOf(held)) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestOfFabric8sOwnKeepsItsTimeout() {
        StandardHttpRequest request = (StandardHttpRequest) new StandardHttpRequest.Builder()
                .uri("https://east.example:6443/api/v1/namespaces/shop").timeout(30, TimeUnit.SECONDS).build();
        assertEquals(Duration.ofSeconds(30), RequestDeadlines.sending(1234, () -> sent(request)).getTimeout());
    }
}
