package io.meshns.testing;

import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Everything meshns could have changed in one API server, to compare before and after a call. */
public record Snapshot(Map<String, Object> namespaces, Map<String, Object> configMaps, Map<String, Object> secrets,
        Map<String, Object> events) {

    /** Taken once meshns has sent the Events of the calls before (when it runs in this JVM). */
    public static Snapshot of(KubernetesClient client) {
        Events.settled();
        Map<String, Object> namespaces = new TreeMap<>();
        client.namespaces().list().getItems().forEach(ns -> namespaces.put(key(ns), ns.getMetadata().getLabels()));
        Map<String, Object> configMaps = new TreeMap<>();
        client.configMaps().inAnyNamespace().list().getItems().forEach(cm -> configMaps.put(key(cm), cm.getData()));
        Map<String, Object> secrets = new TreeMap<>();
        client.secrets().inAnyNamespace().list().getItems().forEach(s -> secrets.put(key(s), s.getData()));
        Map<String, Object> events = new TreeMap<>();
        client.v1().events().inAnyNamespace().list().getItems().forEach(e -> events.put(key(e), e.getReason()));
        return new Snapshot(namespaces, configMaps, secrets, events);
    }

    private static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
