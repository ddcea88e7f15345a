package io.meshns.error;

/**
 * Every error meshns answers with: its HTTP status and the code the caller reads in
 * {"error": "<code>"}. Code below the HTTP edge throws these and never picks a status itself; the
 * table under "Errors" in the documentation lists the same codes (ErrorCodeTableTest keeps them equal).
 */
public enum ErrorCode {

    // 400: the caller's input
    INVALID_JSON(400, "invalid-json"),
    EMPTY_BODY(400, "empty-body"),
    INVALID_BODY(400, "invalid-body"),
    UNKNOWN_FIELD(400, "unknown-field"),
    MISSING_FIELD(400, "missing-field"),
    WRONG_TYPE(400, "wrong-type"),
    INVALID_NAME(400, "invalid-name"),
    INVALID_LABEL(400, "invalid-label"),
    INVALID_LABEL_SELECTOR(400, "invalid-label-selector"),
    INVALID_REVISION(400, "invalid-revision"),
    INVALID_SERVER(400, "invalid-server"),
    PLAINTEXT_SERVER(400, "plaintext-server"),
    EMPTY_CLUSTERS(400, "empty-clusters"),
    CLUSTERS_AND_SELECTOR(400, "clusters-and-selector"),
    EMPTY_NAMESPACES(400, "empty-namespaces"),
    SAME_REVISION(400, "same-revision"),
    INVALID_TOKEN(400, "invalid-token"),
    INVALID_KUBECONFIG(400, "invalid-kubeconfig"),
    UNSAFE_KUBECONFIG(400, "unsafe-kubeconfig"),
    INVALID_CA_CERT(400, "invalid-ca-cert"),
    INVALID_CREDENTIALS(400, "invalid-credentials"),
    CREDENTIALS_REFUSED(400, "credentials-refused"),
    INVALID_CLOUDEVENT(400, "invalid-cloudevent"),
    UNKNOWN_EVENT_TYPE(400, "unknown-event-type"),
    // 401, 403: who calls, and from where
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    PROTECTED_NAMESPACE(403, "protected-namespace"),
    HOST_NOT_ALLOWED(403, "host-not-allowed"),
    // 404: what is not there
    NAMESPACE_NOT_FOUND(404, "namespace-not-found"),
    CLUSTER_NOT_FOUND(404, "cluster-not-found"),
    UNKNOWN_FUNCTION(404, "unknown-function"),
    NOT_FOUND(404, "not-found"),
    // 405, 413, 415: the HTTP request itself
    METHOD_NOT_ALLOWED(405, "method-not-allowed"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type"),
    // 409: the state of things
    NAMESPACE_EXISTS(409, "namespace-exists"),
    CLUSTER_EXISTS(409, "cluster-exists"),
    NAMESPACE_BUSY(409, "namespace-busy"),
    EVENT_ID_REUSED(409, "event-id-reused"),
    INJECTOR_MISSING(409, "injector-missing"),
    // 5xx: meshns, the control plane, a cluster being registered
    INTERNAL_ERROR(500, "internal-error"),
    CONTROL_PLANE_ERROR(502, "control-plane-error"),
    CLUSTER_ERROR(502, "cluster-error"),
    CLUSTER_UNREACHABLE(502, "cluster-unreachable"),
    CONTROL_PLANE_UNAVAILABLE(503, "control-plane-unavailable"),
    EVENT_IN_PROGRESS(503, "event-in-progress");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    /** The HTTP status the caller gets. */
    public int status() {
        return status;
    }

    /** The short code in the answer's "error" field. */
    public String code() {
        return code;
    }

    /** The error to throw: this code and its status, with what was wrong and how to fix it. */
    public MeshException error(String message) {
        return new MeshException(this, status, message, null);
    }

    /** The same, keeping the failure that caused it (for the log, never for the caller). */
    public MeshException error(String message, Throwable cause) {
        return new MeshException(this, status, message, cause);
    }

    /**
     * This code under another status, where the way a call came decides it: a failure the HTTP
     * server answered with a status of its own (e.g. 431 for oversized headers), or a function
     * named in a Pub/Sub message's data rather than in a path.
     */
    public MeshException withStatus(int status, String message) {
        return new MeshException(this, status, message, null);
    }
}
