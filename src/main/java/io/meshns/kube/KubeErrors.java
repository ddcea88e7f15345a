package io.meshns.kube;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.mesh.UntrustedText;

/** Reads fabric8 failures: which are worth a retry, and what a caller should be told. */
public final class KubeErrors {

    private KubeErrors() {
    }

    /** HTTP status of a failed call, or 0 when no answer came (connection refused, reset, timed out). */
    public static int status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
                return kce.getCode();
            }
        }
        return 0;
    }

    /** True when the server gave no answer at all: nothing to read but the network. */
    public static boolean isUnreachable(Throwable failure) {
        if (status(failure) != 0) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof InterruptedIOException) {
                return true;
            }
        }
        return failure instanceof KubernetesClientException;
    }

    /**
     * Transient failures: a dropped connection, a conflict, throttling or a server error. An unknown
     * host or a TLS failure is not: retrying would only spend the deadline on a configuration error.
     */
    public static boolean isTransient(Throwable failure) {
        int status = status(failure);
        if (status != 0) {
            return status == 408 || status == 409 || status == 422 || status == 429 || status >= 500;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException || t instanceof javax.net.ssl.SSLException) {
                return false;
            }
        }
        return isUnreachable(failure);
    }

    /**
     * A one-line reason for a failure, safe for any caller, log, ConfigMap or Event: what a server
     * said is cleaned and cut ({@link UntrustedText}), and the text of an exception is never quoted
     * unless meshns wrote it, since a client library's message may carry a request's headers
     * (Vert.x quotes an invalid header value whole, bearer token included) or a cluster's address.
     */
    public static String describe(Throwable failure) {
        return UntrustedText.clean(reason(failure));
    }

    private static String reason(Throwable failure) {
        int status = status(failure);
        if (status != 0) {
            String reason = "";
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof KubernetesClientException kce && kce.getStatus() != null) {
                    reason = serverSays(kce.getStatus());
                    break;
                }
            }
            return switch (status) {
                case 401 -> "refused: the cluster did not accept meshns' credentials (401)";
                case 403 -> "refused: meshns' credentials lack permission there (403)" + reason;
                default -> "rejected with HTTP " + status + reason;
            };
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                // The JDK's own words (an untrusted or misnamed certificate); no header is in them.
                return "TLS failed: the cluster's certificate is not trusted, or does not name its address; check the caCert "
                        + "and server it was registered with (" + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
            }
        }
        if (!isUnreachable(failure)) {
            return failure instanceof MeshException || failure instanceof Deadline.Exceeded ? failure.getMessage()
                    : "the request failed (" + failure.getClass().getSimpleName() + ")";
        }
        String what = NETWORK_FAILURES.get(root.getClass().getSimpleName());
        return "unreachable: " + root.getClass().getSimpleName() + (what == null ? "" : " (" + what + ")");
    }

    /** What the network failures a client meets mean, by exception type (their texts name addresses). */
    private static final java.util.Map<String, String> NETWORK_FAILURES = java.util.Map.of(
            "ConnectException", "connection refused",
            "ConnectTimeoutException", "timed out connecting",
            "NoRouteToHostException", "no route to host",
            "UnknownHostException", "unknown host",
            "SocketTimeoutException", "timed out",
            "TimeoutException", "timed out",
            "HttpClosedException", "connection closed",
            "ClosedChannelException", "connection closed");

    /**
     * What the API server's Status says: its reason, its message and each cause with its field
     * (a 422 names the field and the rule it broke there), as ": (Reason) message; field: cause".
     */
    static String serverSays(Status status) {
        StringBuilder says = new StringBuilder();
        if (status.getReason() != null && !status.getReason().isBlank()) {
            says.append(" (").append(status.getReason()).append(')');
        }
        if (status.getMessage() != null && !status.getMessage().isBlank()) {
            says.append(' ').append(status.getMessage());
        }
        if (status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                String message = cause.getMessage() == null ? cause.getReason() : cause.getMessage();
                // A Status message usually repeats its causes already; say each one only once.
                if (message != null && !says.toString().contains(message)) {
                    says.append("; ").append(cause.getField() == null ? "" : cause.getField() + ": ").append(message);
                }
            }
        }
        return says.length() == 0 ? "" : ":" + says;
    }

    /** Wraps a control-plane failure for the caller: 503 when it could not be reached. */
    public static MeshException controlPlane(KubernetesClientException failure, String doing) {
        if (isUnreachable(failure)) {
            return ErrorCode.CONTROL_PLANE_UNAVAILABLE.error("the control plane could not be reached while " + doing + ": "
                    + describe(failure) + "; check quarkus.kubernetes-client.api-server-url or the in-cluster config",
                    failure);
        }
        return ErrorCode.CONTROL_PLANE_ERROR.error(
                "the control plane answered while " + doing + ": " + describe(failure), failure);
    }
}
