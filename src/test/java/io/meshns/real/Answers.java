package io.meshns.real;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.testing.FunctionProcess;

/** Reading the function's answers in the real-API-server tests, and leaving no cluster behind. */
final class Answers {

    private Answers() {
    }

    /** One cluster's outcome in an answer; fails the test when it has none. */
    static JsonNode outcome(JsonNode answer, String cluster) {
        for (JsonNode outcome : answer.path("clusters")) {
            if (outcome.path("cluster").asText().equals(cluster)) {
                return outcome;
            }
        }
        throw new AssertionError("no outcome for " + cluster + " in " + answer);
    }

    /** Deregisters every registered cluster, each call expected to answer 200. */
    static void deregisterAll(FunctionProcess function, String token) throws Exception {
        for (JsonNode cluster : function.ok("listClusters", "{}", token).body().path("items")) {
            function.ok("deregisterCluster", "{\"name\": \"" + cluster.path("name").asText() + "\"}", token);
        }
    }
}
