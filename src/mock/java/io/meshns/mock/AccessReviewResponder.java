package io.meshns.mock;

import java.util.Map;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Makes a mock API server answer TokenReview and SubjectAccessReview as a real one would, from a
 * token table and an RBAC rule given as a predicate over "user verb resource[/name][ -n namespace]".
 */
public final class AccessReviewResponder {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private AccessReviewResponder() {
    }

    /**
     * @param tokens token to user name; read on every review, so callers may change it
     * @param allowed whether a request such as "alice patch namespaces/shop" is allowed
     */
    public static void serve(MockApiServer server, Map<String, String> tokens, Predicate<String> allowed) {
        server.mock().expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(201, request -> tokenReview(request.getUtf8Body(), tokens)).always();
        server.mock().expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, request -> accessReview(request.getUtf8Body(), allowed)).always();
    }

    private static String tokenReview(String body, Map<String, String> tokens) {
        TokenReview review = JSON.unmarshal(body, TokenReview.class);
        String user = tokens.get(review.getSpec().getToken());
        review.setStatus(user == null
                ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
                : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user)
                        .withUid("uid-" + user).addToGroups("system:authenticated").endUser().build());
        return JSON.asJson(review);
    }

    private static String accessReview(String body, Predicate<String> allowed) {
        SubjectAccessReview review = JSON.unmarshal(body, SubjectAccessReview.class);
        ResourceAttributes a = review.getSpec().getResourceAttributes();
        String name = a.getName() == null || a.getName().isEmpty() ? "" : "/" + a.getName();
        String namespace = a.getNamespace() == null || a.getNamespace().isEmpty() ? "" : " -n " + a.getNamespace();
        boolean yes = allowed.test(review.getSpec().getUser() + " " + a.getVerb() + " " + a.getResource() + name + namespace);
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(yes).build());
        return JSON.asJson(review);
    }
}
