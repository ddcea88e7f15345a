package io.meshns.mesh;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a reconcile finds in one data-plane cluster, from one LIST of its namespaces: for each mesh
 * namespace with wanted injection, whether it is absent there, already right, or needs a patch.
 * Pure: the I/O is the caller's.
 */
public final class Drift {

    public enum Finding {
        ABSENT, IN_SYNC, DRIFTED
    }

    private Drift() {
    }

    /**
     * @param wanted each mesh namespace's wanted injection (namespaces with none are not here)
     * @param actual the cluster's namespaces, by name, with their labels
     */
    public static Map<String, Finding> of(Map<String, Injection> wanted, Map<String, Map<String, String>> actual) {
        Map<String, Finding> findings = new LinkedHashMap<>();
        wanted.forEach((namespace, injection) -> {
            if (!actual.containsKey(namespace)) {
                findings.put(namespace, Finding.ABSENT);
            } else if (injection.changeFrom(actual.get(namespace)).isEmpty()) {
                findings.put(namespace, Finding.IN_SYNC);
            } else {
                findings.put(namespace, Finding.DRIFTED);
            }
        });
        return findings;
    }

    /** The outcome to report for a finding that needs no write. */
    public static Outcome outcomeWithoutWrite(String cluster, Finding finding) {
        return finding == Finding.ABSENT ? Outcome.absent(cluster) : Outcome.unchanged(cluster);
    }
}
