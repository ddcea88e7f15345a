package io.meshns.state;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.HistoryEntry;

/**
 * A namespace's history as one key of its state ConfigMap: a JSON array, newest first. Pure. Each
 * entry is stored with its clusters grouped by outcome, {@code {"time", "by", "change", "outcomes":
 * {"applied": ["east", "west"]}}}: most changes end the same way in most clusters, so this takes about
 * a third fewer bytes than the form getNamespace shows ({@code "clusters": {"east": "applied", …}}), and
 * every lock, release and LIST of the state carries it. Entries of the form getNamespace shows are read too.
 */
public final class HistoryCodec {

    static final String HISTORY = "history";
    /**
     * The most bytes of history one state ConfigMap carries: the API server refuses a ConfigMap over
     * 1 MiB and the state's own records need room, and every lock, release and LIST of the state
     * carries it (each instance also remembers the states it saw). On a mesh of many clusters
     * (over about 450), fewer than {@link NamespaceState#HISTORY_KEPT} changes fit; the oldest go first.
     */
    static final int BUDGET = 128 * 1024;
    /** The room a state leaves its history however many clusters answer at length: the newest changes. */
    static final int MINIMUM = 16 * 1024;
    /** The key that stands for the clusters left out of an entry too large to keep whole. */
    static final String MORE = "...";
    private static final String OUTCOMES = "outcomes";
    private static final String CLUSTERS = "clusters";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryCodec() {
    }

    public static List<HistoryEntry> decode(String json) {
        if (json == null) {
            return List.of();
        }
        // Read as it streams: a state's history is decoded each time the state is, on every change's path.
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return List.of();
            }
            List<HistoryEntry> entries = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                entries.add(entry(parser));
            }
            return entries;
        } catch (IOException e) {
            // A hand-edited entry loses the history, not the namespace.
            return List.of();
        }
    }

    /** One entry, the parser on its opening brace; either stored form. */
    private static HistoryEntry entry(JsonParser parser) throws IOException {
        String time = null;
        String by = null;
        String change = null;
        Map<String, String> clusters = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "time" -> time = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                case "by" -> by = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                case "change" -> change = value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                case OUTCOMES -> {
                    while (value == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.FIELD_NAME) {
                        String outcome = parser.currentName();
                        if (parser.nextToken() != JsonToken.START_ARRAY) {
                            throw new JsonParseException(parser, "the clusters of an outcome are not an array");
                        }
                        while (parser.nextToken() == JsonToken.VALUE_STRING) {
                            clusters.put(parser.getText(), outcome);
                        }
                        if (parser.currentToken() != JsonToken.END_ARRAY) {
                            throw new JsonParseException(parser, "a cluster of an outcome is not a name");
                        }
                    }
                }
                case CLUSTERS -> {
                    while (value == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.FIELD_NAME) {
                        String cluster = parser.currentName();
                        if (parser.nextToken().isStructStart()) {
                            throw new JsonParseException(parser, "the outcome of a cluster is not a word");
                        }
                        clusters.put(cluster, parser.getValueAsString());
                    }
                }
                default -> parser.skipChildren();
            }
        }
        return new HistoryEntry(time, by, change, clusters);
    }

    /** The stored form of one entry: its clusters grouped by outcome, in the order they come. */
    private static String stored(HistoryEntry entry) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        entry.clusters().forEach((cluster, outcome) -> groups.computeIfAbsent(outcome, o -> new ArrayList<>()).add(cluster));
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", entry.time());
            json.writeStringField("by", entry.by());
            json.writeStringField("change", entry.change());
            json.writeObjectFieldStart(OUTCOMES);
            for (Map.Entry<String, List<String>> group : groups.entrySet()) {
                json.writeArrayFieldStart(group.getKey());
                for (String cluster : group.getValue()) {
                    json.writeString(cluster);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
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
        } catch (IOException e) {
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
            String one = json.length() == 1 ? storedFitting(entry, budget - 2) : stored(entry);
            int size = size(one) + (json.length() == 1 ? 0 : 1);
            if (json.length() > 1 && bytes + size > budget) {
                break;
            }
            json.append(json.length() == 1 ? "" : ",").append(one);
            bytes += size;
        }
        return json.append(']').toString();
    }

    /** The newest entry, always kept, as stored: when it alone is too large, with as many clusters as fit. */
    private static String storedFitting(HistoryEntry entry, int budget) {
        String whole = stored(entry);
        if (size(whole) <= budget) {
            return whole;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        Set<String> groups = new HashSet<>();
        int bytes = size(stored(new HistoryEntry(entry.time(), entry.by(), entry.change(), Map.of(MORE, entry.clusters().size()
                + " more clusters"))));
        for (Map.Entry<String, String> cluster : entry.clusters().entrySet()) {
            // The cluster's name and a comma, and its outcome's group when it opens one: "applied":[],
            boolean opens = !groups.contains(cluster.getValue());
            int size = size(quoted(cluster.getKey())) + 1 + (opens ? size(quoted(cluster.getValue())) + 4 : 0);
            if (bytes + size > budget) {
                break;
            }
            groups.add(cluster.getValue());
            kept.put(cluster.getKey(), cluster.getValue());
            bytes += size;
        }
        kept.put(MORE, (entry.clusters().size() - kept.size()) + " more clusters");
        return stored(new HistoryEntry(entry.time(), entry.by(), entry.change(), kept));
    }

    private static int size(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
