package io.meshns.error;

/**
 * An error with the HTTP status and short code the caller sees. Thrown anywhere; turned into a
 * response in one place, {@link ErrorResponder}.
 */
public class MeshException extends RuntimeException {

    private final int status;
    private final String code;

    public MeshException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public MeshException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static MeshException badRequest(String code, String message) {
        return new MeshException(400, code, message);
    }

    public static MeshException unauthorized(String message) {
        return new MeshException(401, "unauthorized", message);
    }

    public static MeshException forbidden(String code, String message) {
        return new MeshException(403, code, message);
    }

    public static MeshException notFound(String code, String message) {
        return new MeshException(404, code, message);
    }

    public static MeshException conflict(String code, String message) {
        return new MeshException(409, code, message);
    }

    public static MeshException unavailable(String message, Throwable cause) {
        return new MeshException(503, "control-plane-unavailable", message, cause);
    }
}
