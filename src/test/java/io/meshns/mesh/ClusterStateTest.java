package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterStateTest {

    private static final boolean MANAGED = true;
    private static final boolean UNMANAGED = false;

    static Stream<Arguments> stateOfACell() {
        return Stream.of(
                Arguments.of(MANAGED, Injection.ENABLED, null, ClusterState.ABSENT),
                Arguments.of(MANAGED, Injection.ENABLED, Map.of("istio-injection", "enabled", "team", "a"), ClusterState.IN_SYNC),
                Arguments.of(MANAGED, Injection.ENABLED, Map.of("istio-injection", "disabled"), ClusterState.DRIFTED),
                // istio.io/rev beside istio-injection is drift: Istio would read it once the other goes.
                Arguments.of(MANAGED, Injection.ENABLED, Map.of("istio-injection", "enabled", "istio.io/rev", "x"), ClusterState.DRIFTED),
                Arguments.of(MANAGED, Injection.revision("1-24"), Map.of("istio.io/rev", "1-24"), ClusterState.IN_SYNC),
                Arguments.of(MANAGED, Injection.revision("1-24"), Map.of("istio.io/rev", "1-23"), ClusterState.DRIFTED),
                Arguments.of(MANAGED, Injection.UNSET, Map.of(), ClusterState.IN_SYNC),
                // A removal meshns made is wanted too: reconcile takes a hand-set label away again.
                Arguments.of(MANAGED, Injection.UNSET, Map.of("istio-injection", "enabled"), ClusterState.DRIFTED),
                // Reconcile never touches a namespace meshns does not manage: nothing there is drifted.
                Arguments.of(UNMANAGED, Injection.UNSET, Map.of("istio-injection", "enabled"), ClusterState.UNMANAGED),
                Arguments.of(UNMANAGED, Injection.UNSET, Map.of("istio.io/rev", "1-24"), ClusterState.UNMANAGED),
                Arguments.of(UNMANAGED, Injection.UNSET, Map.of("team", "a"), ClusterState.UNMANAGED),
                Arguments.of(UNMANAGED, Injection.UNSET, null, ClusterState.ABSENT));
    }

    @ParameterizedTest(name = "managed {0}, {1} vs {2} -> {3}")
    @MethodSource
    void stateOfACell(boolean managed, Injection wanted, Map<String, String> labels, ClusterState state) {
        assertEquals(state, ClusterState.of(managed, wanted, labels));
    }
}
