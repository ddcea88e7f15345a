package io.meshns.state;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.kube.ClusterRequests;
import io.meshns.kube.CreationTimes;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;

/**
 * Deletes event ledger entries created longer than {@link EventLedger#RETENTION} ago, at most every
 * ten minutes per instance and for at most {@link #PRUNE_FOR} of a call, page by page and reading
 * only each entry's metadata (an entry may hold an answer of up to 900 KiB); what is left waits for
 * the next time, as does a failure. An entry is claimed when created, so its creationTimestamp is its
 * age; a delete is conditional on the resourceVersion listed, so an entry written since stays.
 */
final class LedgerPruning {

    private static final Logger LOG = Logger.getLogger(LedgerPruning.class);

    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    /** The most of a call that pruning may take; what is left waits for the next time. */
    private static final Duration PRUNE_FOR = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final String namespace;
    private final LongSupplier ticker;
    private final InstantSource clock;
    private final long pageSize;
    private volatile long lastPrune = Long.MIN_VALUE;

    /** {@code ticker} spaces the prunings; {@code clock} tells when entries expire; {@code pageSize} entries are listed at a time. */
    LedgerPruning(KubernetesClient client, String namespace, LongSupplier ticker, InstantSource clock, long pageSize) {
        this.client = client;
        this.namespace = namespace;
        this.ticker = ticker;
        this.clock = clock;
        this.pageSize = pageSize;
    }

    /** Prunes, unless this instance did so less than ten minutes ago; never past {@code callWaits}. */
    void nowAndThen(Deadline callWaits) {
        long now = ticker.getAsLong();
        if (lastPrune != Long.MIN_VALUE && now - lastPrune < PRUNE_EVERY.toNanos()) {
            return;
        }
        lastPrune = now;
        Instant cutoff = clock.instant().minus(EventLedger.RETENTION);
        Deadline deadline = Deadline.in(PRUNE_FOR).min(callWaits);
        String path = "api/v1/namespaces/" + namespace + "/configmaps";
        try {
            String next = null;
            do {
                ClusterRequests.MetadataPage page = ClusterRequests.metadataPage(client, path, EventLedger.LEDGER_LABEL, pageSize,
                        next, deadline).join();
                KubernetesClient bounded = deadline.bound(client);
                for (ObjectMeta entry : page.items()) {
                    Instant created = CreationTimes.of(entry);
                    if (created != null && created.isBefore(cutoff) && !deadline.passed()) {
                        deleteUnchanged(bounded, entry);
                    }
                }
                next = page.continueToken();
            } while (next != null && !deadline.passed());
        } catch (CompletionException | KubernetesClientException | Deadline.Exceeded e) {
            LOG.warnf("pruning the event ledger failed: %s", KubeErrors.describe(Deadline.unwrap(e)));
        }
    }

    private void deleteUnchanged(KubernetesClient bounded, ObjectMeta entry) {
        try {
            bounded.configMaps().inNamespace(namespace).withName(entry.getName()).lockResourceVersion(entry.getResourceVersion())
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
