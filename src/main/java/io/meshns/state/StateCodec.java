package io.meshns.state;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;

/** Turns state records into ConfigMap data and back. Pure: no I/O. */
public final class StateCodec {

    static final String DESIRED = "desired";
    static final String CLUSTER_PREFIX = "cluster.";
    /** A cluster's own setting, e.g. setting.east: rev:canary. */
    static final String SETTING_PREFIX = "setting.";
    static final String LOCK_HOLDER = "lock.holder";
    static final String LOCK_LEASE = "lock.lease";
    static final String SERVER = "server";
    static final String LABELS = "labels";
    static final String REGISTERED = "registered";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateCodec() {
    }

    public static Map<String, String> encode(NamespaceState state) {
        Map<String, String> data = new TreeMap<>();
        if (state.desired() != null) {
            data.put(DESIRED, state.desired().encode());
        }
        // The outcomes of one change share its time: each distinct one is formatted once, not once per cluster.
        Map<Instant, String> times = new HashMap<>();
        state.clusters().forEach((cluster, record) -> data.put(CLUSTER_PREFIX + cluster,
                writeRecord(record.outcome().word(), record.message(), times.computeIfAbsent(record.time(), Instant::toString),
                        record.desired() == null ? null : record.desired().encode())));
        state.settings().forEach((cluster, injection) -> data.put(SETTING_PREFIX + cluster, injection.encode()));
        if (state.lockHolder() != null) {
            data.put(LOCK_HOLDER, state.lockHolder());
            if (state.lockLease() != null) {
                data.put(LOCK_LEASE, state.lockLease().toString());
            }
        }
        String history = HistoryCodec.encode(state.history(), HistoryCodec.BUDGET);
        if (history != null) {
            data.put(HistoryCodec.HISTORY, history);
        }
        return data;
    }

    /** Only the per-cluster settings of a namespace's state: what describeMesh needs, at a fraction of the cost. */
    public static Map<String, Injection> decodeSettings(Map<String, String> data) {
        Map<String, Injection> settings = new TreeMap<>();
        if (data != null) {
            data.forEach((key, value) -> {
                Injection setting = key.startsWith(SETTING_PREFIX) ? Injection.decode(value) : null;
                if (setting != null) {
                    settings.put(key.substring(SETTING_PREFIX.length()), setting);
                }
            });
        }
        return settings;
    }

    public static NamespaceState decodeNamespace(Map<String, String> data) {
        if (data == null) {
            return NamespaceState.EMPTY;
        }
        Map<String, NamespaceState.ClusterRecord> clusters = new TreeMap<>();
        Map<String, Injection> settings = decodeSettings(data);
        // The outcomes of one change share its time: each distinct one is parsed once, not once per cluster.
        Map<String, Instant> times = new HashMap<>();
        data.forEach((key, value) -> {
            if (key.startsWith(CLUSTER_PREFIX)) {
                Map<String, String> fields = readMap(value);
                if (fields != null && fields.get("outcome") != null) {
                    Outcome.Result result = Outcome.Result.ofWord(fields.get("outcome"));
                    // A word this version does not know (a hand edit, another version) is shown, not fatal.
                    String message = result != null ? fields.get("message")
                            : "meshns' state holds an outcome it does not know, \"" + fields.get("outcome")
                                    + "\" (edited by hand or written by another version); the next reconcile checks again";
                    clusters.put(key.substring(CLUSTER_PREFIX.length()), new NamespaceState.ClusterRecord(
                            result != null ? result : Outcome.Result.FAILED, message,
                            fields.get("time") == null ? null : times.computeIfAbsent(fields.get("time"), StateCodec::parseInstant),
                            Injection.decode(fields.get("desired"))));
                }
            }
        });
        // A lock of an older version (lock.expires, a time) has no lease: others use their own.
        return new NamespaceState(Injection.decode(data.get(DESIRED)), clusters, data.get(LOCK_HOLDER),
                parseDuration(data.get(LOCK_LEASE)), settings, HistoryCodec.decode(data.get(HistoryCodec.HISTORY)));
    }

    public static Map<String, String> encode(ClusterRecord cluster) {
        Map<String, String> data = new TreeMap<>();
        data.put(SERVER, cluster.server());
        data.put(LABELS, write(cluster.labels()));
        data.put(REGISTERED, cluster.registered().toString());
        return data;
    }

    public static ClusterRecord decodeCluster(String name, Map<String, String> data) {
        Map<String, String> safe = data == null ? Map.of() : data;
        Map<String, String> labels = readMap(safe.get(LABELS));
        return new ClusterRecord(name, safe.get(SERVER), labels == null ? Map.of() : labels,
                parseInstant(safe.get(REGISTERED)));
    }

    /**
     * A cluster's record as a flat JSON object, written field by field: a state holds one per cluster,
     * and a thousand of them are written on every lock and release. Strings are escaped as Jackson
     * escapes them.
     */
    static String writeRecord(String outcome, String message, String time, String desired) {
        StringBuilder json = new StringBuilder(64 + (message == null ? 0 : message.length())).append("{\"outcome\":");
        quoted(json, outcome);
        if (message != null) {
            quoted(json.append(",\"message\":"), message);
        }
        quoted(json.append(",\"time\":"), time);
        if (desired != null) {
            quoted(json.append(",\"desired\":"), desired);
        }
        return json.append('}').toString();
    }

    private static void quoted(StringBuilder json, String value) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, json);
        json.append('"');
    }

    private static String write(Map<String, String> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A flat JSON object of strings (a cluster's record), read token by token: a state holds one per
     * cluster, and a thousand of them are read on every lock and release. A scalar that is not a
     * string is read as its text; anything else makes the entry unreadable (null).
     */
    private static Map<String, String> readMap(String json) {
        if (json == null) {
            return null;
        }
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, String> fields = new HashMap<>(8);
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    return null;
                }
                fields.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
            }
            return token == JsonToken.END_OBJECT && parser.nextToken() == null ? fields : null;
        } catch (IOException e) {
            // A hand-edited or foreign entry is ignored rather than failing every call on this namespace.
            return null;
        }
    }

    private static Duration parseDuration(String text) {
        try {
            return text == null ? null : Duration.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Instant parseInstant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
