package io.meshns.state;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.HistoryEntry;

/** A namespace's history as one key of its state ConfigMap: a JSON array, newest first. Pure. */
public final class HistoryCodec {

    static final String HISTORY = "history";
    /**
     * The most bytes of history one state ConfigMap carries: the API server refuses a ConfigMap over
     * 1 MiB and the state's own records need room, and every lock, release and LIST of the state
     * carries it (each instance also remembers the states it saw). On a mesh of many clusters
     * (over about 300), fewer than {@link NamespaceState#HISTORY_KEPT} changes fit; the oldest go first.
     */
    static final int BUDGET = 128 * 1024;
    /** The room a state leaves its history however many clusters answer at length: the newest changes. */
    static final int MINIMUM = 16 * 1024;
    /** The key that stands for the clusters left out of an entry too large to keep whole. */
    static final String MORE = "...";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<HistoryEntry>> ENTRIES = new TypeReference<>() {
    };

    private HistoryCodec() {
    }

    public static List<HistoryEntry> decode(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, ENTRIES);
        } catch (JsonProcessingException e) {
            // A hand-edited entry loses the history, not the namespace.
            return List.of();
        }
    }

    /**
     * The time of the newest entry of {@code change} in a history as stored (newest first), without
     * decoding the rest: a history that does not name the change is not parsed at all, and parsing
     * stops at the first entry of it. Null when there is none (or the history does not parse).
     */
    public static String newestTimeOf(String json, String change) {
        if (json == null || !json.contains('"' + change + '"')) {
            return null;
        }
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String time = null;
                String what = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && "time".equals(field)) {
                        time = parser.getText();
                    } else if (value == JsonToken.VALUE_STRING && "change".equals(field)) {
                        what = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
                if (change.equals(what)) {
                    return time;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            // A hand-edited history says nothing about when a change was made.
            return null;
        }
    }

    /** The newest entries that fit in {@code budget} bytes; null when there are none. */
    public static String encode(List<HistoryEntry> entries, int budget) {
        if (entries.isEmpty()) {
            return null;
        }
        StringBuilder json = new StringBuilder("[");
        int bytes = 2;
        for (HistoryEntry entry : entries) {
            String one = write(json.length() == 1 ? fitting(entry, budget - 2) : entry);
            int size = one.getBytes(StandardCharsets.UTF_8).length + (json.length() == 1 ? 0 : 1);
            if (json.length() > 1 && bytes + size > budget) {
                break;
            }
            json.append(json.length() == 1 ? "" : ",").append(one);
            bytes += size;
        }
        return json.append(']').toString();
    }

    /** The newest entry is always kept: when it alone is too large, with as many clusters as fit. */
    private static HistoryEntry fitting(HistoryEntry entry, int budget) {
        if (write(entry).getBytes(StandardCharsets.UTF_8).length <= budget) {
            return entry;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        int bytes = write(new HistoryEntry(entry.time(), entry.by(), entry.change(), Map.of(MORE, entry.clusters().size()
                + " more clusters"))).getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, String> cluster : entry.clusters().entrySet()) {
            int size = write(Map.of(cluster.getKey(), cluster.getValue())).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            kept.put(cluster.getKey(), cluster.getValue());
            bytes += size;
        }
        kept.put(MORE, (entry.clusters().size() - kept.size()) + " more clusters");
        return new HistoryEntry(entry.time(), entry.by(), entry.change(), kept);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
