package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

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

    @Test
    void aRequestOfFabric8sOwnKeepsItsTimeout() {
        StandardHttpRequest request = (StandardHttpRequest) new StandardHttpRequest.Builder()
                .uri("https://east.example:6443/api/v1/namespaces/shop").timeout(30, TimeUnit.SECONDS).build();
        assertEquals(Duration.ofSeconds(30), RequestDeadlines.sending(1234, () -> sent(request)).getTimeout());
    }
}
