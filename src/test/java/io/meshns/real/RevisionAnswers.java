package io.meshns.real;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a describeRevisions answer: one revision's row in one cluster, whether it is in use. */
final class RevisionAnswers {

    private RevisionAnswers() {
    }

    /** {@code revision}'s entry for {@code cluster}; fails the test when the answer has none. */
    static JsonNode use(JsonNode answer, String revision, String cluster) {
        for (JsonNode r : answer.path("revisions")) {
            if (revision.equals(r.path("revision").asText())) {
                for (JsonNode c : r.path("clusters")) {
                    if (cluster.equals(c.path("cluster").asText())) {
                        return c;
                    }
                }
            }
        }
        throw new AssertionError(revision + " in " + cluster + " not in " + answer);
    }

    static boolean inUse(JsonNode answer, String revision) {
        for (JsonNode r : answer.path("revisions")) {
            if (revision.equals(r.path("revision").asText())) {
                return r.path("inUse").asBoolean();
            }
        }
        throw new AssertionError(revision + " not in " + answer);
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }
}
