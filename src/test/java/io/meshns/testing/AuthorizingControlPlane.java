package io.meshns.testing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshns.mock.MockApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A CRUD control plane that also answers TokenReview and SubjectAccessReview as a real API server
 * would, from a small table of tokens and RBAC grants that tests change at will.
 */
public class AuthorizingControlPlane implements QuarkusTestResourceLifecycleManager {

    /** token -> user name */
    public static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    /** "user verb resource[/name][ -n namespace]" as Permission.describe() writes it, or with "*" as name. */
    public static final Set<String> GRANTS = ConcurrentHashMap.newKeySet();
    public static MockApiServer server;

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Override
    public Map<String, String> start() {
        server = MockApiServer.start();
        server.mock().expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(201, request -> tokenReview(request.getUtf8Body())).always();
        server.mock().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, request -> accessReview(request.getUtf8Body())).always();
        return Map.of("quarkus.kubernetes-client.api-server-url", server.url(),
                "meshns.auth.enabled", "true",
                "meshns.auth.cache-ttl", "1s");
    }

    private static String tokenReview(String body) {
        TokenReview review = JSON.unmarshal(body, TokenReview.class);
        String user = TOKENS.get(review.getSpec().getToken());
        review.setStatus(user == null
                ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
                : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user).withUid("uid-" + user)
                        .withGroups(List.of("system:authenticated")).endUser().build());
        return JSON.asJson(review);
    }

    private static String accessReview(String body) {
        SubjectAccessReview review = JSON.unmarshal(body, SubjectAccessReview.class);
        ResourceAttributes a = review.getSpec().getResourceAttributes();
        String user = review.getSpec().getUser();
        String namespace = a.getNamespace() == null || a.getNamespace().isEmpty() ? "" : " -n " + a.getNamespace();
        String exact = user + " " + a.getVerb() + " " + a.getResource() + (a.getName() == null || a.getName().isEmpty() ? ""
                : "/" + a.getName()) + namespace;
        String any = user + " " + a.getVerb() + " " + a.getResource() + "/*" + namespace;
        boolean allowed = GRANTS.contains(exact) || GRANTS.contains(any);
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed)
                .withReason(allowed ? "granted by test RBAC" : "").build());
        return JSON.asJson(review);
    }

    @Override
    public void stop() {
        server.close();
    }
}
