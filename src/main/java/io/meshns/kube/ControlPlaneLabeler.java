package io.meshns.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/**
 * Puts a mesh namespace's injection labels into a wanted state in the control plane, starting from
 * the copy this instance remembers: one PATCH conditional on that copy's resourceVersion, so a copy
 * that anyone else made stale costs one more read, never a lost update.
 */
final class ControlPlaneLabeler {

    /** Copies read afresh and found stale again before giving up (someone else keeps changing it). */
    private static final int MAX_STALE_READS = 5;

    private ControlPlaneLabeler() {
    }

    /** The outcome, and the namespace as it now is (null when absent). */
    record Labelled(Outcome.Result result, Namespace after) {
    }

    /** The namespace changed under every attempt to label it. */
    static final class Stale extends RuntimeException {
        Stale(String namespace) {
            super("namespace " + namespace + " changed under each of " + MAX_STALE_READS + " attempts to label it");
        }
    }

    /**
     * Starting from {@code remembered} (a copy from an earlier call; null: none), reading the
     * namespace afresh only when there is no copy or it is stale. A copy read here that already
     * has the wanted labels is taken as it is (UNCHANGED, no write). Transient failures are retried
     * until the deadline.
     */
    static Labelled apply(KubernetesClient client, String namespace, Namespace remembered, Injection wanted,
            Deadline deadline) {
        Namespace[] start = { remembered };
        return deadline.retry(() -> {
            Namespace current = start[0];
            start[0] = null;
            boolean fresh = current == null;
            for (int reads = 0; reads <= MAX_STALE_READS; reads++) {
                if (current == null) {
                    current = deadline.bound(client).namespaces().withName(namespace).get();
                    fresh = true;
                    if (current == null) {
                        return new Labelled(Outcome.Result.ABSENT, null);
                    }
                }
                if (fresh && !LabelPatch.changes(current.getMetadata().getLabels(), wanted)) {
                    return new Labelled(Outcome.Result.UNCHANGED, current);
                }
                Labelled done = applyIfCurrent(client, current, wanted, deadline);
                if (done != null) {
                    return done;
                }
                // Changed since that copy was read: read it again, and judge again.
                current = null;
            }
            throw new Stale(namespace);
        });
    }

    /**
     * Labels the namespace only if it is still exactly {@code seen} (one PATCH conditional on its
     * resourceVersion); null when it changed since or is gone, for the caller to judge again from a
     * fresh read. Transient failures are retried until the deadline.
     */
    static Labelled applyIfUnchanged(KubernetesClient client, Namespace seen, Injection wanted, Deadline deadline) {
        return deadline.retry(() -> {
            Labelled done = applyIfCurrent(client, seen, wanted, deadline);
            return done == null || done.after() == null ? null : done;
        });
    }

    /**
     * What {@link #apply} would do, checked by the API server (dryRun=All: its validation and our
     * right to patch), storing nothing; ABSENT when there is no such namespace.
     */
    static Outcome.Result preview(KubernetesClient client, String namespace, Injection wanted, Deadline deadline) {
        return deadline.retry(() -> {
            Namespace current = deadline.bound(client).namespaces().withName(namespace).get();
            if (current == null) {
                return Outcome.Result.ABSENT;
            }
            LabelPatch patch = LabelPatch.of(current.getMetadata().getLabels(), wanted, null);
            if (patch == null) {
                return Outcome.Result.UNCHANGED;
            }
            deadline.bound(client).namespaces().withName(namespace).dryRun()
                    .patch(PatchContext.of(patch.kind() == LabelPatch.Kind.JSON ? PatchType.JSON : PatchType.JSON_MERGE),
                            patch.body());
            return Outcome.Result.APPLIED;
        });
    }

    /** One conditional PATCH from {@code current}; null when that copy was no longer current (409, or 422: a patch that no longer applies). */
    private static Labelled applyIfCurrent(KubernetesClient client, Namespace current, Injection wanted, Deadline deadline) {
        boolean changes = LabelPatch.changes(current.getMetadata().getLabels(), wanted);
        LabelPatch patch = LabelPatch.ifCurrent(current.getMetadata().getLabels(), current.getMetadata().getResourceVersion(),
                wanted);
        try {
            Namespace after = deadline.bound(client).namespaces().resource(current)
                    .patch(PatchContext.of(PatchType.JSON), patch.body());
            return new Labelled(changes ? Outcome.Result.APPLIED : Outcome.Result.UNCHANGED, after);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Labelled(Outcome.Result.ABSENT, null);
            }
            if (e.getCode() == 409 || e.getCode() == 422) {
                return null;
            }
            throw e;
        }
    }
}
