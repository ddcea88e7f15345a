package io.meshns.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.path.json.JsonPath;

/**
 * A function's answer read as cluster -> outcome word, on every tier: from a change's answer
 * ({@code clusters}) or, for one namespace, from an answer with {@code results} (reconcile,
 * migrateRevision). The mock tier reads answers with RestAssured, the real tier with Jackson.
 */
public final class Outcomes {

    private Outcomes() {
    }

    /** The outcomes of a change's answer. */
    public static Map<String, String> of(JsonPath answer) {
        return read(answer.getList("clusters"));
    }

    /** The outcomes for {@code namespace} in an answer with {@code results}; none when it is not there. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> of(JsonPath answer, String namespace) {
        Map<String, String> outcomes = new TreeMap<>();
        List<Map<String, Object>> results = answer.getList("results");
        for (Map<String, Object> result : results) {
            if (namespace.equals(result.get("namespace"))) {
                outcomes.putAll(read((List<Map<String, Object>>) result.get("clusters")));
            }
        }
        return outcomes;
    }

    /** The outcomes of a change's answer, or of one entry of {@code results}. */
    public static Map<String, String> of(JsonNode answer) {
        Map<String, String> outcomes = new TreeMap<>();
        answer.path("clusters").forEach(o -> outcomes.put(o.path("cluster").asText(), o.path("outcome").asText()));
        return outcomes;
    }

    /** The outcomes for {@code namespace} in an answer with {@code results}; none when it is not there. */
    public static Map<String, String> of(JsonNode answer, String namespace) {
        Map<String, String> outcomes = new TreeMap<>();
        for (JsonNode result : answer.path("results")) {
            if (namespace.equals(result.path("namespace").asText())) {
                outcomes.putAll(of(result));
            }
        }
        return outcomes;
    }

    private static Map<String, String> read(List<Map<String, Object>> clusters) {
        Map<String, String> outcomes = new TreeMap<>();
        for (Map<String, Object> outcome : clusters) {
            outcomes.put((String) outcome.get("cluster"), (String) outcome.get("outcome"));
        }
        return outcomes;
    }
}
