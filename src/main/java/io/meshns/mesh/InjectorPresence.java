package io.meshns.mesh;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Can a cluster inject the sidecar a namespace asks for? Judged from its
 * MutatingWebhookConfigurations alone, the way Istio's own injector is found (IST0102 in spirit):
 * for revision R one labelled istio.io/rev=R or istio.io/tag=R; without a revision one labelled
 * istio.io/rev=default or istio.io/tag=default, or the classic one named istio-sidecar-injector.
 * Pure: the LIST is the caller's.
 */
public final class InjectorPresence {

    public static final String TAG_LABEL = "istio.io/tag";
    static final String DEFAULT = "default";
    static final String CLASSIC_NAME = "istio-sidecar-injector";
    /** The longest label value Kubernetes accepts. */
    private static final int LABEL_VALUE_BYTES = 63;

    /** A MutatingWebhookConfiguration, as far as the judgement needs it. */
    public record Webhook(String name, Map<String, String> labels) {

        public Webhook {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    private InjectorPresence() {
    }

    /** True when {@code wanted} asks a sidecar injector of this cluster to act (else there is nothing to check). */
    public static boolean needsInjector(Injection wanted) {
        return wanted.mode() == Injection.Mode.ENABLED;
    }

    /** The revision name an injection asks for: its revision, or "default". */
    public static String revisionOf(Injection wanted) {
        return wanted.revision() == null ? DEFAULT : wanted.revision();
    }

    /** True when one of {@code webhooks} injects {@code wanted}. */
    public static boolean present(Injection wanted, List<Webhook> webhooks) {
        String revision = revisionOf(wanted);
        for (Webhook webhook : webhooks) {
            if (revision.equals(webhook.labels().get(Injection.REVISION_LABEL)) || revision.equals(webhook.labels().get(TAG_LABEL))) {
                return true;
            }
            // Istio before revisions (and istioctl install without one) names its webhook so, unlabelled.
            if (wanted.revision() == null && CLASSIC_NAME.equals(webhook.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The revisions a cluster's injectors serve, sorted: each webhook's istio.io/rev, and "default"
     * for the classic unlabelled istio-sidecar-injector. A tag's webhook adds the revision it points
     * at, not the tag: a tag is another name for an installed revision. A label is the cluster's
     * text: cleaned, and cut to a label value's length (63).
     */
    public static List<String> revisions(List<Webhook> webhooks) {
        Set<String> revisions = new TreeSet<>();
        for (Webhook webhook : webhooks) {
            String rev = webhook.labels().get(Injection.REVISION_LABEL);
            if (rev != null && !rev.isBlank()) {
                revisions.add(UntrustedText.clean(rev, LABEL_VALUE_BYTES));
            } else if (CLASSIC_NAME.equals(webhook.name())) {
                revisions.add(DEFAULT);
            }
        }
        return List.copyOf(revisions);
    }

    /**
     * The revisions whose proxies count as "the one wanted": the revision itself and, when it is a
     * tag, the revision the tag's webhook points at (a tag's webhook carries both labels).
     */
    public static Set<String> acceptedRevisions(Injection wanted, List<Webhook> webhooks) {
        Set<String> accepted = new TreeSet<>();
        String revision = revisionOf(wanted);
        accepted.add(revision);
        for (Webhook webhook : webhooks) {
            String rev = webhook.labels().get(Injection.REVISION_LABEL);
            boolean points = revision.equals(webhook.labels().get(TAG_LABEL))
                    || (wanted.revision() == null && CLASSIC_NAME.equals(webhook.name()));
            if (points && rev != null) {
                accepted.add(rev);
            }
        }
        return accepted;
    }
}
