package io.meshns.state;

import java.time.Instant;
import java.util.Map;

/** A registered data-plane cluster as stored in its ConfigMap: everything but its credentials. */
public record ClusterRecord(String name, String server, Map<String, String> labels, Instant registered) {
}
