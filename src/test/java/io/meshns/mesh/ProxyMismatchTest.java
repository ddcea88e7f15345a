package io.meshns.mesh;

import static io.meshns.mesh.Pods.nativeSidecar;
import static io.meshns.mesh.Pods.optedOut;
import static io.meshns.mesh.Pods.plain;
import static io.meshns.mesh.Pods.sidecar;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class ProxyMismatchTest {

    static Stream<Arguments> mustThisPodRestart() {
        Injection rev124 = Injection.revision("1-24");
        Injection rev125 = Injection.revision("1-25");
        return Stream.of(
                // Sidecar wanted, none there (IST0103).
                Arguments.of(Injection.ENABLED, plain(), true),
                Arguments.of(rev124, plain(), true),
                // Sidecar wanted and there, of the wanted revision (or of none recorded).
                Arguments.of(Injection.ENABLED, sidecar("default"), false),
                Arguments.of(Injection.ENABLED, sidecar(null), false),
                Arguments.of(rev124, sidecar("1-24"), false),
                // ...of another revision: a canary upgrade restarts it.
                Arguments.of(rev125, sidecar("1-24"), true),
                Arguments.of(Injection.ENABLED, sidecar("1-24"), true),
                // A native sidecar counts as a sidecar, its revision from the injector's status.
                Arguments.of(rev124, nativeSidecar("1-24"), false),
                Arguments.of(rev125, nativeSidecar("1-24"), true),
                Arguments.of(Injection.DISABLED, nativeSidecar("1-24"), true),
                // No sidecar wanted.
                Arguments.of(Injection.DISABLED, sidecar("default"), true),
                Arguments.of(Injection.DISABLED, plain(), false),
                Arguments.of(Injection.UNSET, sidecar(null), true),
                Arguments.of(Injection.UNSET, plain(), false),
                // The pod's own opt-out and opt-in.
                Arguments.of(Injection.ENABLED, optedOut(plain(), "false"), false),
                Arguments.of(Injection.ENABLED, optedOut(sidecar(null), "false"), true),
                Arguments.of(Injection.UNSET, optedOut(sidecar(null), "true"), false),
                Arguments.of(Injection.UNSET, optedOut(plain(), "true"), true),
                Arguments.of(Injection.DISABLED, optedOut(plain(), "true"), false),
                // Pods on their way out are not restarted.
                Arguments.of(Injection.ENABLED, new PodBuilder(plain()).withNewStatus().withPhase("Succeeded").endStatus().build(),
                        false),
                Arguments.of(Injection.ENABLED, new PodBuilder(plain()).editMetadata()
                        .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build(), false));
    }

    @ParameterizedTest(name = "[{index}] {0}: restart {2}")
    @MethodSource
    void mustThisPodRestart(Injection wanted, Pod pod, boolean restart) {
        Set<String> accepted = Set.of(InjectorPresence.revisionOf(wanted));
        assertEquals(restart, ProxyMismatch.of(wanted, accepted, pod).isPresent(),
                () -> String.valueOf(ProxyMismatch.of(wanted, accepted, pod)));
    }

    @Test
    void aProxyOfTheRevisionATagPointsAtNeedsNoRestart() {
        assertEquals(false, ProxyMismatch.of(Injection.revision("stable"), Set.of("stable", "1-24"), sidecar("1-24")).isPresent());
    }

    @Test
    void restartImpactCountsPodsAndNamesEachWorkloadOnce() {
        Pod web1 = Pods.pod("web-5d8f-a").editMetadata().addToLabels("pod-template-hash", "5d8f").addNewOwnerReference()
                .withKind("ReplicaSet").withName("web-5d8f").withController(true).endOwnerReference().endMetadata().build();
        Pod web2 = new PodBuilder(web1).editMetadata().withName("web-5d8f-b").endMetadata().build();
        Pod injected = sidecar("default");
        RestartImpact impact = RestartImpact.of(Injection.ENABLED, Set.of("default"), List.of(web1, web2, injected, plain()));
        assertEquals(new RestartImpact(3, List.of("Deployment/web", "Pod/plain")), impact);
    }
}
