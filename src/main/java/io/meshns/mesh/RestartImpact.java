package io.meshns.mesh;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The pods of one namespace in one cluster whose proxy does not match the wanted injection, and the
 * workloads to restart so that they do. Pure.
 */
@RegisterForReflection
public record RestartImpact(int pods, List<String> workloads) {

    public static final RestartImpact NONE = new RestartImpact(0, List.of());

    public static RestartImpact of(Injection wanted, Set<String> acceptedRevisions, List<Pod> pods) {
        int count = 0;
        Set<String> workloads = new TreeSet<>();
        for (Pod pod : pods) {
            if (ProxyMismatch.of(wanted, acceptedRevisions, pod).isPresent()) {
                count++;
                workloads.add(Workloads.of(pod));
            }
        }
        return new RestartImpact(count, List.copyOf(workloads));
    }
}
