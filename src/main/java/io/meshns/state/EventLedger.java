package io.meshns.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.error.ErrorCode;
import io.meshns.kube.CreationTimes;
import io.meshns.kube.Deadline;
import io.meshns.kube.KubeErrors;
import io.meshns.mesh.UntrustedText;

/**
 * The CloudEvents handled, by source and id, so that a redelivered event gets the first answer on
 * any instance. One ConfigMap per event in the state namespace: created to claim the event before
 * acting (creation is atomic, so of two copies only one acts), then given the answer, gzipped.
 * Each entry stands alone, so no entry can push out another; entries go after {@link #RETENTION}
 * ({@link LedgerPruning}).
 */
@ApplicationScoped
public class EventLedger {

    private static final Logger LOG = Logger.getLogger(EventLedger.class);

    public static final String LEDGER_LABEL = "meshns.io/ledger";
    static final Duration RETENTION = Duration.ofHours(24);
    private static final long PRUNE_PAGE_SIZE = 500;
    private static final long FIRST_WAIT_MILLIS = 50;
    private static final long MAX_WAIT_MILLIS = 500;
    /** Writes of one entry retried after a 409 (it changed since it was read) before giving up. */
    private static final int MAX_CONFLICTS = 5;

    private final KubernetesClient client;
    private final StateNamespace stateNamespace;
    private final String namespace;
    private final LongSupplier ticker;
    private final LedgerPruning pruning;
    /** Per event: which claimant this instance saw running it, and since when (its own clock). */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(String claimant, long sinceNanos) {
    }

    @Inject
    public EventLedger(KubernetesClient client, StateNamespace stateNamespace) {
        this(client, stateNamespace, System::nanoTime);
    }

    EventLedger(KubernetesClient client, StateNamespace stateNamespace, LongSupplier ticker) {
        this(client, stateNamespace, ticker, InstantSource.system(), PRUNE_PAGE_SIZE);
    }

    /** {@code clock} tells when entries expire; {@code prunePageSize} entries are listed at a time when pruning. */
    EventLedger(KubernetesClient client, StateNamespace stateNamespace, LongSupplier ticker, InstantSource clock,
            long prunePageSize) {
        this.client = client;
        this.stateNamespace = stateNamespace;
        this.namespace = stateNamespace.name();
        this.ticker = ticker;
        this.pruning = new LedgerPruning(client, namespace, ticker, clock, prunePageSize);
    }

    /** What claiming an event gave: the first answer, or the right (and duty) to act. */
    public sealed interface Claim permits Claimed, Answered {
    }

    /**
     * This call acts: it must {@link #complete} or {@link #abandon} the claim. {@code takenOver}: an
     * earlier delivery claimed the event at {@code firstClaimed} (the entry's creationTimestamp, on the
     * API server's clock) and never answered, because it went silent or failed in a way that may
     * have left some of its work done; this call may find that work done already.
     */
    public record Claimed(String name, String claimant, Instant firstClaimed, boolean takenOver) implements Claim {
    }

    /** The event was handled before: its answer. */
    public record Answered(String answer) implements Claim {
    }

    /**
     * Claims an event for {@code function} with {@code input} (a digest of it is kept). A copy
     * still being handled elsewhere is waited for until {@code waitUntil} (then 503
     * event-in-progress, which a broker retries); one whose handler has been seen running for over
     * {@code takeOverAfter} (it died), or that its handler gave up after a failure that may have done
     * some of the work, is taken over. The same source and id with another function or input is a
     * 409 event-id-reused.
     */
    public Claim claim(String source, String id, String function, String input, Deadline waitUntil,
            Duration takeOverAfter) {
        String name = entryName(source, id);
        String digest = digest(input);
        String claimant = UUID.randomUUID().toString();
        stateNamespace.ensureExists();
        pruning.nowAndThen(waitUntil);
        long wait = FIRST_WAIT_MILLIS;
        try {
            while (true) {
                try {
                    ConfigMap created = client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                            .withMetadata(stateNamespace.metadata(name, Map.of(LEDGER_LABEL, "event")))
                            .addToData("function", function).addToData("input", digest).addToData("claimant", claimant)
                            // Entries expire by their creationTimestamp; "time" is for builds that expire them by it and may
                            // run beside this one during a rollout.
                            .addToData("time", Instant.now().toString()).build()).create();
                    return new Claimed(name, claimant, CreationTimes.of(created), false);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
                ConfigMap entry = client.configMaps().inNamespace(namespace).withName(name).get();
                if (entry == null) {
                    continue; // pruned or abandoned meanwhile: claim it afresh
                }
                Map<String, String> data = entry.getData() == null ? Map.of() : entry.getData();
                if (!function.equals(data.get("function")) || !digest.equals(data.get("input"))) {
                    throw ErrorCode.EVENT_ID_REUSED.error("an event with source \"" + source + "\" and id \"" + id
                            + "\" was already handled, for " + data.get("function") + " with other data; give each event an id of its own");
                }
                String answer = LedgerAnswers.of(entry);
                if (answer != null) {
                    seen.remove(name);
                    return new Answered(answer);
                }
                String holder = data.get("claimant");
                if (holder == null || holder.isEmpty() || handlerGone(name, holder, takeOverAfter)) {
                    entry.getData().put("claimant", claimant);
                    try {
                        // Conditional on the resourceVersion read: of two instances taking over, one wins.
                        client.configMaps().inNamespace(namespace).resource(entry).update();
                        LOG.warnf("event %s of %s: an earlier delivery never answered; handling it again",
                                UntrustedText.clean(id, 256), UntrustedText.clean(source, 256));
                        return new Claimed(name, claimant, CreationTimes.of(entry), true);
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 409 && e.getCode() != 404) {
                            throw e;
                        }
                        continue;
                    }
                }
                if (waitUntil.remaining().toMillis() < wait) {
                    throw ErrorCode.EVENT_IN_PROGRESS.error("event " + id + " of " + source
                            + " is still being handled by an earlier delivery; deliver it again later for its answer");
                }
                sleep(wait);
                wait = Math.min(wait * 2, MAX_WAIT_MILLIS);
            }
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, "claiming an event in the event ledger");
        }
    }

    /**
     * Records the answer given for a claimed event, retrying what is transient while {@code deadline}
     * leaves time (the first attempt is always made). The call it answers has done its work, so a
     * failure here is only logged: a redelivery then waits until the claim looks abandoned and runs
     * the event again. A claim taken over meanwhile is left to its new handler.
     */
    public void complete(Claimed claim, String answer, Deadline deadline) {
        String stored = LedgerAnswers.storable(answer);
        long backoff = FIRST_WAIT_MILLIS;
        while (true) {
            try {
                ConfigMap entry = ownEntry(claim);
                if (entry == null) {
                    LOG.warnf("ledger entry %s was taken over or removed before its answer was recorded", claim.name());
                    return;
                }
                entry.setBinaryData(Map.of(LedgerAnswers.KEY, stored));
                // Conditional on the resourceVersion read: a 409 means the entry changed (a takeover?), read it again.
                client.configMaps().inNamespace(namespace).resource(entry).update();
                return;
            } catch (KubernetesClientException e) {
                if (!KubeErrors.isTransient(e) || deadline.remaining().toMillis() <= backoff) {
                    LOG.warnf("the answer to the event of ledger entry %s could not be recorded: %s; a redelivery of it "
                            + "runs it again once its claim looks abandoned", claim.name(), KubeErrors.describe(e));
                    return;
                }
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_WAIT_MILLIS);
        }
    }

    /**
     * Gives a claim up: the call failed. When it failed as a caller's mistake, which changes nothing
     * ({@code mayHaveActed} false), the entry goes and a redelivery acts afresh. Otherwise some of the
     * work may be done: the entry stays without a claimant, so that a redelivery takes the event over
     * at once and knows it may find that work done. A claim taken over meanwhile is its new handler's
     * and is left alone: giving it up would let yet another delivery run the event. Each write is
     * conditional on the resourceVersion read, so a takeover in between is seen (409) and the entry
     * read again.
     */
    public void abandon(Claimed claim, boolean mayHaveActed) {
        try {
            for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
                ConfigMap entry = ownEntry(claim);
                if (entry == null) {
                    return;
                }
                try {
                    if (mayHaveActed) {
                        entry.getData().remove("claimant");
                        client.configMaps().inNamespace(namespace).resource(entry).update();
                    } else {
                        client.configMaps().inNamespace(namespace).resource(entry).lockResourceVersion().delete();
                    }
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            LOG.warnf("could not give up ledger entry %s: it kept changing", claim.name());
        } catch (KubernetesClientException e) {
            LOG.warnf("could not give up ledger entry %s: %s", claim.name(), KubeErrors.describe(e));
        }
    }

    /** The claim's entry as it is now, while the claim still holds it; null once taken over or removed. */
    private ConfigMap ownEntry(Claimed claim) {
        ConfigMap entry = client.configMaps().inNamespace(namespace).withName(claim.name()).get();
        boolean own = entry != null && entry.getData() != null && claim.claimant().equals(entry.getData().get("claimant"));
        return own ? entry : null;
    }

    /** True once this instance has seen the same claimant running the event longer than {@code after}. */
    private boolean handlerGone(String name, String claimant, Duration after) {
        long now = ticker.getAsLong();
        if (seen.size() > 10_000) {
            seen.clear();
        }
        Seen since = seen.compute(name, (k, old) -> old != null && old.claimant().equals(claimant) ? old
                : new Seen(claimant, now));
        return now - since.sinceNanos() > after.toNanos();
    }

    /** The name of one event's ConfigMap: a digest of its source and id, which may hold any characters. */
    public static String entryName(String source, String id) {
        return "event-" + digest(source + "\n" + id).substring(0, 40);
    }

    static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting on the event ledger", e);
        }
    }
}
