package io.meshns.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The simulated clusters record when requests reach them, in bursts, as the benchmark reads them. */
class ManyClustersTest {

    private static final Duration LATENCY = Duration.ofMillis(100);

    @Test
    void requestsSentTogetherMakeOneBurstAndTheirAnswersComeAfterTheLatency() throws Exception {
        try (ManyClusters clusters = ManyClusters.start(3, LATENCY, Map.of("app", Map.of()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Connections are opened before recording: on a busy machine their set-up alone can split a burst.
            getFromEach(clusters, http);
            clusters.record(true);
            getFromEach(clusters, http);
            getFromEach(clusters, http);
            List<ManyClusters.Burst> bursts = clusters.bursts(LATENCY.dividedBy(2));
            clusters.record(false);

            assertEquals(2, bursts.size(), bursts.toString());
            for (ManyClusters.Burst burst : bursts) {
                assertEquals(3, burst.requests(), bursts.toString());
                assertTrue(burst.arrivalMillis() < LATENCY.toMillis() / 2.0, bursts.toString());
                // Never early: each answer waited for the latency; late only by a timer's slack.
                assertTrue(burst.lateP90Millis() >= 0 && burst.lateMostMillis() >= burst.lateP90Millis(), bursts.toString());
                assertTrue(burst.lateMostMillis() < LATENCY.toMillis(), bursts.toString());
            }
            getFromEach(clusters, http);
            assertEquals(List.of(), clusters.bursts(LATENCY.dividedBy(2)), "not recording");
        }
    }

    /** A GET of the namespace from every cluster at once, waiting for all answers. */
    private static void getFromEach(ManyClusters clusters, HttpClient http) {
        CompletableFuture.allOf(IntStream.range(0, clusters.size())
                .mapToObj(c -> http.sendAsync(HttpRequest.newBuilder(URI.create(clusters.url(c) + "/api/v1/namespaces/app")).build(),
                        HttpResponse.BodyHandlers.ofString()).thenAccept(answer -> assertEquals(200, answer.statusCode())))
                .toArray(CompletableFuture[]::new)).join();
    }
}
