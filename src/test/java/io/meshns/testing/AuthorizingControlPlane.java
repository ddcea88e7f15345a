package io.meshns.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.meshns.mock.AccessReviewResponder;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A CRUD control plane that also answers TokenReview and SubjectAccessReview as a real API server
 * would, from a table of tokens and RBAC grants that tests change at will.
 */
public class AuthorizingControlPlane implements QuarkusTestResourceLifecycleManager {

    /** token -> user name */
    public static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    /** "user verb resource[/name][ -n namespace]" as Permission.describe() writes it. */
    public static final Set<String> GRANTS = ConcurrentHashMap.newKeySet();
    public static MockApiServer server;

    @Override
    public Map<String, String> start() {
        server = MockApiServer.start();
        AccessReviewResponder.serve(server, TOKENS, GRANTS::contains);
        return Map.of("quarkus.kubernetes-client.api-server-url", server.url(),
                "meshns.auth.enabled", "true",
                "meshns.auth.cache-ttl", "1s");
    }

    @Override
    public void stop() {
        server.close();
    }
}
