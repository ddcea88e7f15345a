package io.meshns.mock;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        String who = tokens.get(review.getSpec().getToken());
        if (who == null) {
            review.setStatus(new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build());
            return JSON.asJson(review);
        }
        // "alice", or "alice uid=u-2 extra=scopes:read-only": the same name through other credentials.
        String[] words = who.split(" ");
        String user = words[0];
        String uid = "uid-" + user;
        Map<String, List<String>> extra = new TreeMap<>();
        for (int i = 1; i < words.length; i++) {
            if (words[i].startsWith("uid=")) {
                uid = words[i].substring(4);
            } else if (words[i].startsWith("extra=")) {
                String[] kv = words[i].substring(6).split(":", 2);
                extra.put(kv[0], List.of(kv[1]));
            }
        }
        review.setStatus(new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user)
                .withUid(uid).addToGroups("system:authenticated").withExtra(extra).endUser().build());
        return JSON.asJson(review);
    }

    private static String accessReview(String body, Predicate<String> allowed) {
        SubjectAccessReview review = JSON.unmarshal(body, SubjectAccessReview.class);
        ResourceAttributes a = review.getSpec().getResourceAttributes();
        String name = a.getName() == null || a.getName().isEmpty() ? "" : "/" + a.getName();
        String namespace = a.getNamespace() == null || a.getNamespace().isEmpty() ? "" : " -n " + a.getNamespace();
        String user = review.getSpec().getUser();
        // A uid or extra other than the plain user's is part of who asks: "alice#u-2{scopes=[read-only]}".
        String subject = user + (("uid-" + user).equals(review.getSpec().getUid()) ? "" : "#" + review.getSpec().getUid())
                + (review.getSpec().getExtra() == null || review.getSpec().getExtra().isEmpty() ? ""
                        : new TreeMap<>(review.getSpec().getExtra()).toString());
        boolean yes = allowed.test(subject + " " + a.getVerb() + " " + a.getResource() + name + namespace);
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(yes).build());
        return JSON.asJson(review);
    }
}
