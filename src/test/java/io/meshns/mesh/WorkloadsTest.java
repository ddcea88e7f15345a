package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class WorkloadsTest {

    private static Pod owned(String name, String kind, String owner, Boolean controller, String hash) {
        PodBuilder pod = Pods.pod(name).editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(kind)
                .withName(owner).withController(controller).endOwnerReference().endMetadata();
        if (hash != null) {
            pod.editMetadata().addToLabels("pod-template-hash", hash).endMetadata();
        }
        return pod.build();
    }

    static Stream<Arguments> whatToRestart() {
        return Stream.of(
                Arguments.of(Pods.pod("debug").build(), "Pod/debug"),
                // A Deployment's pod: ReplicaSet <deployment>-<pod-template-hash>.
                Arguments.of(owned("web-7d9f8b6c5d-x2x4z", "ReplicaSet", "web-7d9f8b6c5d", true, "7d9f8b6c5d"), "Deployment/web"),
                Arguments.of(owned("api-v2-6b7c-q", "ReplicaSet", "api-v2-6b7c", true, "6b7c"), "Deployment/api-v2"),
                // A ReplicaSet of its own (no hash, or a name that does not end with it) is restarted as itself.
                Arguments.of(owned("rs-abc", "ReplicaSet", "rs", true, null), "ReplicaSet/rs"),
                Arguments.of(owned("rs-abc", "ReplicaSet", "rs", true, "zzz"), "ReplicaSet/rs"),
                Arguments.of(owned("db-0", "StatefulSet", "db", true, null), "StatefulSet/db"),
                Arguments.of(owned("agent-x", "DaemonSet", "agent", true, null), "DaemonSet/agent"),
                Arguments.of(owned("migrate-x", "Job", "migrate", true, null), "Job/migrate"),
                // The only owner counts even when not marked controller.
                Arguments.of(owned("db-1", "StatefulSet", "db", null, null), "StatefulSet/db"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void whatToRestart(Pod pod, String workload) {
        assertEquals(workload, Workloads.of(pod));
    }
}
