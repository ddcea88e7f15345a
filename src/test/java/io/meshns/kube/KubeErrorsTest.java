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

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

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

    /** Status bodies as kube-apiserver 1.20 sends them, copied from real answers. */
    static Stream<Arguments> theServersReasonReachesTheMessage() {
        String invalidLabel = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"Namespace \\\"bad\\\" is invalid: metadata.labels: Invalid value: \\\"-x-\\\": a valid label must "
                + "be an empty string or consist of alphanumeric characters\",\"reason\":\"Invalid\",\"details\":{\"name\":\"bad\","
                + "\"kind\":\"Namespace\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: \\\"-x-\\\": a "
                + "valid label must be an empty string or consist of alphanumeric characters\",\"field\":\"metadata.labels\"}]},"
                + "\"code\":422}";
        String badPatch = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                + "\"the server rejected our request due to an error in our request\",\"reason\":\"Invalid\",\"details\":{},"
                + "\"code\":422}";
        String causeOnly = "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Invalid\",\"details\":{\"causes\":"
                + "[{\"reason\":\"FieldValueTooLong\",\"message\":\"must have at most 1048576 bytes\",\"field\":\"data\"}]},"
                + "\"code\":422}";
        return Stream.of(
                Arguments.of(invalidLabel, "rejected with HTTP 422: (Invalid) Namespace \"bad\" is invalid: metadata.labels: "
                        + "Invalid value: \"-x-\": a valid label must be an empty string or consist of alphanumeric characters"),
                Arguments.of(badPatch, "rejected with HTTP 422: (Invalid) the server rejected our request due to an error in our request"),
                Arguments.of(causeOnly, "rejected with HTTP 422: (Invalid); data: must have at most 1048576 bytes"));
    }

    @ParameterizedTest
    @MethodSource
    void theServersReasonReachesTheMessage(String statusJson, String described) {
        Status status = new KubernetesSerialization().unmarshal(statusJson, Status.class);
        assertEquals(described, KubeErrors.describe(new KubernetesClientException(status)));
    }

    @org.junit.jupiter.api.Test
    void anExceptionThatQuotesAHeaderNeverReachesTheReason() {
        // What Vert.x throws for a header value with a line break: it quotes the value whole.
        Exception refused = new KubernetesClientException("An error has occurred.", new IllegalArgumentException(
                "a header value contains prohibited character '\n': Bearer secret-token-123\n"));
        String reason = KubeErrors.describe(refused);
        org.junit.jupiter.api.Assertions.assertFalse(reason.contains("secret-token-123"), reason);
        org.junit.jupiter.api.Assertions.assertFalse(reason.contains("Bearer"), reason);
        org.junit.jupiter.api.Assertions.assertTrue(reason.contains("IllegalArgumentException"), reason);
    }

    @org.junit.jupiter.api.Test
    void aNetworkFailureSaysWhatHappenedWithoutTheAddress() {
        String reason = KubeErrors.describe(new KubernetesClientException("x",
                new ConnectException("Connection refused: /10.20.30.40:6443")));
        assertEquals("unreachable: ConnectException (connection refused)", reason);
    }

    @org.junit.jupiter.api.Test
    void aHugeStatusWithControlCharactersIsCutAndCleaned() {
        Status status = new Status();
        status.setCode(422);
        status.setReason("Invalid");
        status.setMessage("denied by webhook\r\nFAKE LOG LINE " + "z".repeat(1_200_000));
        String reason = KubeErrors.describe(new KubernetesClientException(status));
        org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("rejected with HTTP 422: (Invalid) denied by webhook FAKE"), reason.substring(0, 80));
        org.junit.jupiter.api.Assertions.assertTrue(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 1024);
        org.junit.jupiter.api.Assertions.assertFalse(io.meshns.mesh.UntrustedText.hasControlCharacters(reason));
    }
}
