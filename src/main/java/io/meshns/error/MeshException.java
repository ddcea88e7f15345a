package io.meshns.error;

/**
 * An error with the HTTP status and short code the caller sees, made by an {@link ErrorCode}.
 * Thrown anywhere; turned into a response in one place, at the HTTP edge.
 */
public class MeshException extends RuntimeException {

    private final ErrorCode errorCode;
    private final int status;

    MeshException(ErrorCode errorCode, int status, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The wire code, as the caller reads it in "error". */
    public String code() {
        return errorCode.code();
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
