package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterStateTest {

    static Stream<Arguments> stateOfACell() {
        return Stream.of(
                Arguments.of(Injection.ENABLED, null, ClusterState.ABSENT),
                Arguments.of(Injection.ENABLED, Map.of("istio-injection", "enabled", "team", "a"), ClusterState.IN_SYNC),
                Arguments.of(Injection.ENABLED, Map.of("istio-injection", "disabled"), ClusterState.DRIFTED),
                // istio.io/rev beside istio-injection is drift: Istio would read it once the other goes.
                Arguments.of(Injection.ENABLED, Map.of("istio-injection", "enabled", "istio.io/rev", "x"), ClusterState.DRIFTED),
                Arguments.of(Injection.revision("1-24"), Map.of("istio.io/rev", "1-24"), ClusterState.IN_SYNC),
                Arguments.of(Injection.revision("1-24"), Map.of("istio.io/rev", "1-23"), ClusterState.DRIFTED),
                Arguments.of(Injection.UNSET, Map.of(), ClusterState.IN_SYNC),
                Arguments.of(Injection.UNSET, Map.of("istio-injection", "enabled"), ClusterState.DRIFTED));
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @MethodSource
    void stateOfACell(Injection wanted, Map<String, String> labels, ClusterState state) {
        assertEquals(state, ClusterState.of(wanted, labels));
    }
}
