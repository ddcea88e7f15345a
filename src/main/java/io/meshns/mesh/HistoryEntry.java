package io.meshns.mesh;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One change of a mesh namespace as getNamespace shows it: when, by whom, what, and each cluster's outcome. */
@RegisterForReflection
public record HistoryEntry(String time, String by, String change, Map<String, String> clusters) {

    /** The change reconcile records when it repaired a namespace (one it found nothing to repair in is not recorded). */
    public static final String REPAIRED = "Repaired";

    /** The time of the newest entry of {@code change} in a history kept newest first; null when it has none. */
    public static String newestOf(List<HistoryEntry> newestFirst, String change) {
        for (HistoryEntry entry : newestFirst) {
            if (change.equals(entry.change())) {
                return entry.time();
            }
        }
        return null;
    }

    /** The latest of some ISO-8601 instants, as given; one that does not parse (a hand edit) is passed over. Null: none. */
    public static String latest(Collection<String> times) {
        String latest = null;
        Instant newest = null;
        for (String time : times) {
            if (time == null) {
                continue;
            }
            try {
                Instant instant = Instant.parse(time);
                if (newest == null || instant.isAfter(newest)) {
                    newest = instant;
                    latest = time;
                }
            } catch (DateTimeParseException e) {
                // Not a time meshns wrote: it says nothing about when reconcile last repaired.
            }
        }
        return latest;
    }
}
