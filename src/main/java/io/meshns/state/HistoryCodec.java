package io.meshns.state;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.HistoryEntry;

/** A namespace's history as one key of its state ConfigMap: a JSON array, newest first. Pure. */
public final class HistoryCodec {

    static final String HISTORY = "history";
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

    /** {@code entry} first, then the older ones, at most {@code kept} in all. */
    public static String prepend(String json, HistoryEntry entry, int kept) {
        List<HistoryEntry> entries = new ArrayList<>();
        entries.add(entry);
        entries.addAll(decode(json));
        try {
            return JSON.writeValueAsString(entries.subList(0, Math.min(kept, entries.size())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
