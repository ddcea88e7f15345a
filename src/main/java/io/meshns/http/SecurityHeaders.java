package io.meshns.http;

import io.vertx.core.MultiMap;

/**
 * The headers that keep every answer (page, function or refusal) to its own origin: no inline or
 * foreign script, style or connection, no framing, no sniffing, no referrer.
 */
public final class SecurityHeaders {

    /** Everything the page loads comes from this origin; it may be framed by nobody and post no form. */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    private SecurityHeaders() {
    }

    /** Sets the headers; {@code page}: the console's files, which a browser may keep but must check again. */
    public static void apply(MultiMap headers, boolean page) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        // A new version of the function serves a new page at once; answers are never kept.
        headers.set("Cache-Control", page ? "no-cache" : "no-store");
    }
}
