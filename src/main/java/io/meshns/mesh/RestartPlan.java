package io.meshns.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Which of the workloads restart impact names restartWorkloads restarts, the way {@code kubectl
 * rollout restart} does (a new pod template annotation: the workload's own rollout strategy then
 * replaces its pods), and which it leaves, with why. meshns never deletes a pod. Pure.
 */
public record RestartPlan(List<Workload> restart, List<Skipped> skipped) {

    /** The annotation kubectl rollout restart sets on the pod template, to the time of the restart. */
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    /** The kinds a template annotation restarts, and their resource in apps/v1. */
    private static final Map<String, String> RESTARTABLE = Map.of("Deployment", "deployments", "StatefulSet", "statefulsets",
            "DaemonSet", "daemonsets");

    /** A workload to restart: its kind, its apps/v1 resource and its name. */
    public record Workload(String kind, String resource, String name) {

        /** "Deployment/web", as restart impact names it. */
        public String id() {
            return kind + "/" + name;
        }
    }

    /** A workload left as it is, and why. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Skipped(String workload, String reason) {
    }

    /** {@code workloads} as {@link Workloads#of} names them ("Deployment/web", "Pod/debug", ...), in their order. */
    public static RestartPlan of(List<String> workloads) {
        List<Workload> restart = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (String workload : workloads) {
            int slash = workload.indexOf('/');
            String kind = workload.substring(0, Math.max(slash, 0));
            String name = workload.substring(slash + 1);
            String resource = RESTARTABLE.get(kind);
            if (resource != null) {
                restart.add(new Workload(kind, resource, name));
            } else {
                skipped.add(new Skipped(workload, whyNot(kind)));
            }
        }
        return new RestartPlan(List.copyOf(restart), List.copyOf(skipped));
    }

    private static String whyNot(String kind) {
        return switch (kind) {
            // Deleting it is the only way to recreate it, and meshns never deletes pods.
            case "Pod" -> "a bare pod, which no controller recreates: meshns never deletes pods; delete it yourself to"
                    + " recreate it with the namespace's mode";
            case "Job" -> "a pod of a Job, which runs to completion: its next pods get the namespace's mode";
            case "ReplicaSet" -> "a ReplicaSet that no Deployment owns: it has no rollout to restart; scale it down and up";
            default -> "owned by a " + kind + ", which meshns does not restart: restart it with that controller's own tools";
        };
    }
}
