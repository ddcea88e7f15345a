package io.meshns.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.config.MeshConfig;
import io.meshns.kube.KubeErrors;

/**
 * The answers given to CloudEvents, by source and id, so that a redelivered event gets the same
 * answer on any instance. Kept in 16 ConfigMaps of the state namespace (spread to keep writers
 * apart), each pruned by age and size.
 */
@ApplicationScoped
public class EventLedger {

    public static final String LEDGER_LABEL = "meshns.io/ledger";
    private static final Duration RETENTION = Duration.ofHours(24);
    /** Well under a ConfigMap's 1 MiB. */
    private static final int MAX_SHARD_BYTES = 512 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final StateStore store;
    private final String namespace;

    public EventLedger(KubernetesClient client, StateStore store, MeshConfig config) {
        this.client = client;
        this.store = store;
        this.namespace = config.stateNamespace();
    }

    /** The answer recorded for this event and function, if any. */
    public Optional<String> answerFor(String source, String id, String function) {
        String key = key(source, id);
        try {
            ConfigMap shard = client.configMaps().inNamespace(namespace).withName(shardName(key)).get();
            if (shard == null || shard.getData() == null || !shard.getData().containsKey(key)) {
                return Optional.empty();
            }
            JsonNode entry = JSON.readTree(shard.getData().get(key));
            if (!function.equals(entry.path("function").asText())) {
                return Optional.empty();
            }
            return Optional.of(entry.path("answer").asText());
        } catch (KubernetesClientException e) {
            throw KubeErrors.controlPlane(e, "reading the event ledger");
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Records the answer given to this event. */
    public void record(String source, String id, String function, String answer) {
        String key = key(source, id);
        String entry = JSON.createObjectNode().put("function", function).put("time", Instant.now().toString())
                .put("answer", answer).toString();
        store.updateConfigMap(shardName(key), Map.of(LEDGER_LABEL, "events"), "writing the event ledger", true, shard -> {
            Map<String, String> data = new TreeMap<>(shard == null ? Map.of() : shard);
            data.put(key, entry);
            prune(data, Instant.now());
            return data;
        });
    }

    /** Drops entries past retention, then the oldest, until the shard fits. Pure. */
    static void prune(Map<String, String> data, Instant now) {
        Map<Instant, String> byAge = new TreeMap<>();
        int bytes = 0;
        for (Map.Entry<String, String> entry : Map.copyOf(data).entrySet()) {
            Instant time = timeOf(entry.getValue());
            if (time == null || time.isBefore(now.minus(RETENTION))) {
                data.remove(entry.getKey());
                continue;
            }
            byAge.put(time.plusNanos(byAge.size()), entry.getKey());
            bytes += entry.getKey().length() + entry.getValue().length();
        }
        for (String oldest : byAge.values()) {
            if (bytes <= MAX_SHARD_BYTES) {
                break;
            }
            bytes -= oldest.length() + data.remove(oldest).length();
        }
    }

    private static Instant timeOf(String entry) {
        try {
            return Instant.parse(JSON.readTree(entry).path("time").asText());
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    static String key(String source, String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((source + "\n" + id).getBytes(StandardCharsets.UTF_8));
            return "event." + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shardName(String key) {
        return "events-" + key.charAt("event.".length());
    }
}
