package io.meshns.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.config.MeshConfig;
import io.meshns.error.ErrorCode;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets a call through only when its caller's bearer token is accepted by the control plane and the
 * control plane's RBAC allows the equivalent Kubernetes action. meshns itself still acts with its
 * own service account. Off when {@code meshns.auth.enabled=false}.
 */
@ApplicationScoped
public class Access {

    private final boolean enabled;
    private final AccessReviews reviews;
    private final CurrentVertxRequest request;
    private final String stateNamespace;

    public Access(MeshConfig config, AccessReviews reviews, CurrentVertxRequest request) {
        this.enabled = config.auth().enabled();
        this.reviews = reviews;
        this.request = request;
        this.stateNamespace = config.stateNamespace();
    }

    /** The name history gives the caller when caller auth is off. */
    public static final String ANONYMOUS = "anonymous";

    /**
     * Throws 401 or 403 unless the current caller may do {@code permission}; returns the caller's
     * user name as the TokenReview gave it (for history), or "anonymous" with auth off.
     */
    public String require(Permission permission) {
        return requireAny(permission);
    }

    /**
     * The same, where any one of {@code permissions} is enough (asked in order, so the usual one
     * first); a 403 names them all.
     */
    public String requireAny(Permission... permissions) {
        if (!enabled) {
            return ANONYMOUS;
        }
        String token = bearerToken(request.getCurrent());
        if (token == null) {
            throw ErrorCode.UNAUTHORIZED.error(
                    "send a Kubernetes bearer token of the control plane: Authorization: Bearer <token>");
        }
        Caller caller = reviews.authenticate(token).orElseThrow(() -> ErrorCode.UNAUTHORIZED.error(
                "the control plane does not accept this bearer token (expired, revoked or for another audience)"));
        for (Permission permission : permissions) {
            if (reviews.allows(caller, permission)) {
                return caller.username();
            }
        }
        String needed = java.util.Arrays.stream(permissions).map(Permission::describe)
                .collect(java.util.stream.Collectors.joining(" or "));
        throw ErrorCode.FORBIDDEN.error("user \"" + caller.username() + "\" may not " + needed
                + " in the control plane (kubectl auth can-i " + permissions[0].describe() + ")");
    }

    /** A verb on a resource of the state namespace: how the cluster registry is guarded. */
    public String requireInStateNamespace(String verb, String resource) {
        return require(Permission.inStateNamespace(verb, resource, stateNamespace));
    }

    /** The token of an "Authorization: Bearer ..." header, or null. */
    public static String bearerToken(RoutingContext context) {
        if (context == null) {
            return null;
        }
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
