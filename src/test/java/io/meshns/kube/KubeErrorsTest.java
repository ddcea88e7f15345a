package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.client.KubernetesClientException;

class KubeErrorsTest {

    static Stream<Arguments> whatIsWorthARetry() {
        return Stream.of(
                Arguments.of("connection refused", new KubernetesClientException("x", new ConnectException("refused")), true),
                Arguments.of("connection reset", new KubernetesClientException("x", new IOException("reset")), true),
                Arguments.of("503", new KubernetesClientException("x", 503, null), true),
                Arguments.of("429", new KubernetesClientException("x", 429, null), true),
                Arguments.of("409", new KubernetesClientException("x", 409, null), true),
                Arguments.of("403", new KubernetesClientException("x", 403, null), false),
                Arguments.of("404", new KubernetesClientException("x", 404, null), false),
                Arguments.of("unknown host", new KubernetesClientException("x", new UnknownHostException("nope")), false),
                Arguments.of("bad certificate", new KubernetesClientException("x", new SSLHandshakeException("pkix")), false),
                Arguments.of("a bug", new IllegalStateException("bug"), false));
    }

    @ParameterizedTest(name = "{0} -> retry {2}")
    @MethodSource
    void whatIsWorthARetry(String name, Exception failure, boolean transientFailure) {
        assertEquals(transientFailure, KubeErrors.isTransient(failure));
    }
}
