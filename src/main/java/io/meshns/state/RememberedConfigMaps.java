package io.meshns.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;

/** Each ConfigMap as this instance last read or wrote it, by name: at most a fixed number, least recently used out first. */
final class RememberedConfigMaps {

    private final Map<String, ConfigMap> copies;

    RememberedConfigMaps(int capacity) {
        this.copies = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ConfigMap> eldest) {
                return size() > capacity;
            }
        });
    }

    /** The copy last read or written (null: none). */
    ConfigMap get(String name) {
        return copies.get(name);
    }

    /** Keeps {@code cm} as the latest copy of {@code name} (forgets it when null); returns it. */
    ConfigMap remember(String name, ConfigMap cm) {
        if (cm == null) {
            copies.remove(name);
        } else {
            copies.put(name, cm);
        }
        return cm;
    }

    void forget(String name) {
        copies.remove(name);
    }
}
