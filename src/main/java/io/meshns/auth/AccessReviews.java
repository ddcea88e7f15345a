package io.meshns.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.config.MeshConfig;
import io.meshns.kube.KubeErrors;

/**
 * Asks the control plane who a token belongs to (TokenReview) and whether that user may do
 * something (SubjectAccessReview). Positive answers are reused for {@code meshns.auth.cache-ttl}
 * so a burst of calls does not double the API load; tokens are cached only as SHA-256 digests.
 */
@ApplicationScoped
public class AccessReviews {

    private static final int MAX_ENTRIES = 10_000;

    private record Cached<T>(T value, long expiresNanos) {
        boolean fresh() {
            return System.nanoTime() < expiresNanos;
        }
    }

    private final KubernetesClient client;
    private final Duration ttl;
    private final List<String> audiences;
    private final Map<String, Cached<Caller>> callers = new ConcurrentHashMap<>();
    private final Map<String, Cached<Boolean>> decisions = new ConcurrentHashMap<>();

    public AccessReviews(KubernetesClient client, MeshConfig config) {
        this.client = client;
        this.ttl = config.auth().cacheTtl();
        this.audiences = config.auth().audiences().orElse(List.of());
    }

    /** The user behind {@code token}, or empty when the control plane does not accept it. */
    public Optional<Caller> authenticate(String token) {
        String key = digest(token);
        Cached<Caller> cached = callers.get(key);
        if (cached != null && cached.fresh()) {
            return Optional.of(cached.value());
        }
        TokenReview review;
        try {
            review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec()
                    .withToken(token).withAudiences(audiences.isEmpty() ? null : audiences).endSpec().build());
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, "reviewing the caller's token");
        }
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                || review.getStatus().getUser() == null) {
            return Optional.empty();
        }
        UserInfo user = review.getStatus().getUser();
        Caller caller = new Caller(user.getUsername(), user.getUid(), user.getGroups() == null ? List.of() : user.getGroups(),
                user.getExtra() == null ? Map.of() : user.getExtra());
        remember(callers, key, caller);
        return Optional.of(caller);
    }

    /** Whether the control plane's RBAC lets {@code caller} do {@code permission}. */
    public boolean allows(Caller caller, Permission permission) {
        // Everything the review sends goes into the key: the same name with another uid or extra may differ.
        String key = digest(String.join("\n", caller.username(), String.valueOf(caller.uid()),
                new java.util.TreeSet<>(caller.groups()).toString(), new java.util.TreeMap<>(caller.extra()).toString(),
                permission.toString()));
        Cached<Boolean> cached = decisions.get(key);
        if (cached != null && cached.fresh()) {
            return true;
        }
        SubjectAccessReview review;
        try {
            review = client.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(caller.username()).withUid(caller.uid()).withGroups(caller.groups()).withExtra(caller.extra())
                    .withNewResourceAttributes().withVerb(permission.verb()).withGroup(permission.group())
                    .withResource(permission.resource()).withNamespace(permission.namespace()).withName(permission.name())
                    .endResourceAttributes().endSpec().build());
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, "reviewing the caller's permission");
        }
        boolean allowed = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
        if (allowed) {
            // Only "yes" is cached: a permission granted a moment ago works at once.
            remember(decisions, key, true);
        }
        return allowed;
    }

    private <T> void remember(Map<String, Cached<T>> cache, String key, T value) {
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(entry -> !entry.fresh());
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(key, new Cached<>(value, System.nanoTime() + ttl.toNanos()));
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
