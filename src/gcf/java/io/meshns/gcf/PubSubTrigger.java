package io.meshns.gcf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.error.ErrorCode;
import io.meshns.function.ClusterFunctions;
import io.meshns.function.DescribeFunction;
import io.meshns.function.InjectionFunctions;
import io.meshns.function.NamespaceFunctions;
import io.meshns.function.ReconcileFunction;
import io.meshns.function.RevisionsFunction;
import io.meshns.function.RestartFunction;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.gcp.functions.event.PubsubMessage;

/**
 * Google Cloud Functions entry for event triggers (-Dbinding=gcf): a Pub/Sub message whose data is
 * {"function": "enableInjection", "input": {...}} runs that function. A background function
 * returns nothing, so the answer goes to the log; mistakes fail the invocation with their message.
 */
public class PubSubTrigger {

    private static final Logger LOG = Logger.getLogger(PubSubTrigger.class);

    @Inject
    NamespaceFunctions namespaces;

    @Inject
    InjectionFunctions injection;

    @Inject
    ClusterFunctions clusters;

    @Inject
    ReconcileFunction reconcile;

    @Inject
    DescribeFunction describe;

    @Inject
    RevisionsFunction revisions;

    @Inject
    RestartFunction restart;

    @Inject
    ObjectMapper json;

    @Funq
    public void meshnsEvent(PubsubMessage message) throws Exception {
        JsonNode event = json.readTree(Base64.getDecoder().decode(message.data == null ? "" : message.data));
        String function = event == null ? null : event.path("function").asText(null);
        Function<JsonNode, Object> target = functions().get(function);
        if (target == null) {
            // The function is named by the message's data, not by a path: a 400, like an unknown event type.
            throw ErrorCode.UNKNOWN_FUNCTION.withStatus(400, "the message names no function of meshns: " + function
                    + "; send {\"function\": \"enableInjection\", \"input\": {...}}");
        }
        Object answer = target.apply(event.get("input"));
        LOG.infof("%s: %s", function, new String(json.writeValueAsBytes(answer), StandardCharsets.UTF_8));
    }

    private Map<String, Function<JsonNode, Object>> functions() {
        return Map.ofEntries(
                Map.entry("createNamespace", namespaces::createNamespace),
                Map.entry("getNamespace", namespaces::getNamespace),
                Map.entry("listNamespaces", namespaces::listNamespaces),
                Map.entry("deleteNamespace", namespaces::deleteNamespace),
                Map.entry("enableInjection", injection::enableInjection),
                Map.entry("disableInjection", injection::disableInjection),
                Map.entry("removeInjection", injection::removeInjection),
                Map.entry("enableAmbient", injection::enableAmbient),
                Map.entry("registerCluster", clusters::registerCluster),
                Map.entry("updateCluster", clusters::updateCluster),
                Map.entry("deregisterCluster", clusters::deregisterCluster),
                Map.entry("listClusters", clusters::listClusters),
                Map.entry("reconcile", reconcile::reconcile),
                Map.entry("describeMesh", describe::describeMesh),
                Map.entry("describeRevisions", revisions::describeRevisions),
                Map.entry("migrateRevision", revisions::migrateRevision),
                Map.entry("restartWorkloads", restart::restartWorkloads));
    }
}
