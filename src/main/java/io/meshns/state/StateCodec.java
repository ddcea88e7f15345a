package io.meshns.state;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.mesh.UntrustedText;

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

    /**
     * The most bytes a namespace's state may take, whatever its clusters answer: well under the API
     * server's 1 MiB per object, and small enough to be read and written on every change. Outcome
     * records without their messages always fit, up to about two thousand clusters; when all would
     * not, messages are cut (each to the same length, shorter ones kept whole) to leave the history
     * {@link HistoryCodec#MINIMUM}, and the history takes what is left, up to {@link HistoryCodec#BUDGET}.
     */
    public static final int BUDGET = 256 * 1024;
    /** A message cut shorter than this says nothing: it is left out. */
    private static final int SHORTEST_MESSAGE = 16;

    public static Map<String, String> encode(NamespaceState state) {
        Map<String, String> data = new TreeMap<>();
        if (state.desired() != null) {
            data.put(DESIRED, state.desired().encode());
        }
        state.settings().forEach((cluster, injection) -> data.put(SETTING_PREFIX + cluster, injection.encode()));
        if (state.lockHolder() != null) {
            data.put(LOCK_HOLDER, state.lockHolder());
            if (state.lockLease() != null) {
                data.put(LOCK_LEASE, state.lockLease().toString());
            }
        }
        int fixed = bytes(data);
        int used = fixed + records(state, Integer.MAX_VALUE, data);
        if (used > BUDGET - HistoryCodec.MINIMUM) {
            int bare = records(state, 0, new HashMap<>());
            used = fixed + records(state, messageLimit(state, BUDGET - HistoryCodec.MINIMUM - fixed - bare), data);
        }
        String history = HistoryCodec.encode(state.history(), Math.min(HistoryCodec.BUDGET, Math.max(0, BUDGET - used)));
        if (history != null) {
            data.put(HistoryCodec.HISTORY, history);
        }
        return data;
    }

    /** Puts each cluster's record in {@code data}, its message cut to {@code messageLimit} bytes; their size. */
    private static int records(NamespaceState state, int messageLimit, Map<String, String> data) {
        // The outcomes of one change share its time: each distinct one is formatted once, not once per cluster.
        Map<Instant, String> times = new HashMap<>();
        int size = 0;
        for (Map.Entry<String, NamespaceState.ClusterRecord> entry : state.clusters().entrySet()) {
            NamespaceState.ClusterRecord record = entry.getValue();
            String message = record.message() == null || messageLimit == Integer.MAX_VALUE ? record.message()
                    : messageLimit < SHORTEST_MESSAGE ? null : UntrustedText.clean(record.message(), messageLimit);
            String key = CLUSTER_PREFIX + entry.getKey();
            String value = writeRecord(record.outcome().word(), message, times.computeIfAbsent(record.time(), Instant::toString),
                    record.desired() == null ? null : record.desired().encode());
            data.put(key, value);
            size += UntrustedText.utf8Length(key) + UntrustedText.utf8Length(value);
        }
        return size;
    }

    /** The longest every message may be so that all of them, as written (quoted, escaped), take at most {@code room} bytes. */
    private static int messageLimit(NamespaceState state, int room) {
        List<int[]> messages = new ArrayList<>();
        for (NamespaceState.ClusterRecord record : state.clusters().values()) {
            if (record.message() != null) {
                messages.add(new int[] {UntrustedText.utf8Length(record.message()), escapes(record.message())});
            }
        }
        int low = 0;
        int high = UntrustedText.MAX_BYTES;
        while (low < high) {
            int limit = (low + high + 1) / 2;
            long total = 0;
            for (int[] message : messages) {
                // ,"message":"" around the text, the characters JSON escapes counted whatever the cut.
                total += 13 + Math.min(message[0], limit) + message[1];
            }
            if (total <= room) {
                low = limit;
            } else {
                high = limit - 1;
            }
        }
        return low;
    }

    /** The bytes that JSON's escaping adds to {@code text}. */
    private static int escapes(String text) {
        int extra = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            extra += c == '"' || c == '\\' ? 1 : c < 0x20 ? 5 : 0;
        }
        return extra;
    }

    private static int bytes(Map<String, String> data) {
        int size = 0;
        for (Map.Entry<String, String> entry : data.entrySet()) {
            size += UntrustedText.utf8Length(entry.getKey()) + UntrustedText.utf8Length(entry.getValue());
        }
        return size;
    }

    /** Only the per-cluster settings of a namespace's state. */
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

    /**
     * What describeMesh needs of a namespace's state, at a fraction of a full decode's cost: its
     * per-cluster settings, and whether it manages the namespace. No history is read, and at most one
     * cluster's outcome, only when nothing else says the namespace is managed.
     */
    public static NamespaceState.Intent decodeIntent(Map<String, String> data) {
        if (data == null) {
            return NamespaceState.Intent.NONE;
        }
        Map<String, Injection> settings = decodeSettings(data);
        boolean manages = NamespaceState.manages(Injection.decode(data.get(DESIRED)), data.get(LOCK_HOLDER), settings,
                () -> data.entrySet().stream()
                        .anyMatch(e -> e.getKey().startsWith(CLUSTER_PREFIX) && readOutcome(e.getValue()) != null));
        return new NamespaceState.Intent(manages, settings);
    }

    /** When reconcile last repaired the namespace, from its kept history: null when that holds no repair. */
    public static String lastRepair(Map<String, String> data) {
        return data == null ? null : HistoryCodec.newestTimeOf(data.get(HistoryCodec.HISTORY), HistoryEntry.REPAIRED);
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
                Map<String, String> fields = readOutcome(value);
                if (fields != null) {
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

    /** A cluster's record, read: null when it is unreadable or records no outcome (such an entry is ignored). */
    private static Map<String, String> readOutcome(String json) {
        Map<String, String> fields = readMap(json);
        return fields != null && fields.get("outcome") != null ? fields : null;
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
