package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InjectionTest {

    static Stream<Arguments> whatIstioMakesOfLabels() {
        return Stream.of(
                Arguments.of(Map.of(), Injection.UNSET),
                Arguments.of(Map.of("team", "a"), Injection.UNSET),
                Arguments.of(Map.of("istio-injection", "enabled"), Injection.ENABLED),
                Arguments.of(Map.of("istio-injection", "disabled"), Injection.DISABLED),
                // Any other value of istio-injection means no injection.
                Arguments.of(Map.of("istio-injection", "yes"), Injection.DISABLED),
                Arguments.of(Map.of("istio.io/rev", "canary"), Injection.revision("canary")),
                // istio-injection wins over istio.io/rev.
                Arguments.of(Map.of("istio-injection", "enabled", "istio.io/rev", "canary"), Injection.ENABLED),
                Arguments.of(Map.of("istio-injection", "disabled", "istio.io/rev", "canary"), Injection.DISABLED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void whatIstioMakesOfLabels(Map<String, String> labels, Injection expected) {
        assertEquals(expected, Injection.fromLabels(labels));
    }

    static Stream<Arguments> labelsEachCallEndsWith() {
        Map<String, String> both = Map.of("team", "a", "istio-injection", "disabled", "istio.io/rev", "old");
        return Stream.of(
                Arguments.of(Injection.ENABLED, both, Map.of("team", "a", "istio-injection", "enabled")),
                Arguments.of(Injection.revision("canary"), both, Map.of("team", "a", "istio.io/rev", "canary")),
                Arguments.of(Injection.DISABLED, both, Map.of("team", "a", "istio-injection", "disabled")),
                Arguments.of(Injection.UNSET, both, Map.of("team", "a")),
                Arguments.of(Injection.ENABLED, Map.of(), Map.of("istio-injection", "enabled")),
                Arguments.of(Injection.UNSET, Map.of(), Map.of()));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @MethodSource
    void labelsEachCallEndsWith(Injection wanted, Map<String, String> before, Map<String, String> after) {
        assertEquals(after, wanted.changeFrom(before).applyTo(before));
        assertEquals(wanted.mode() == Injection.Mode.UNSET ? Injection.UNSET : wanted, Injection.fromLabels(after));
    }

    @Test
    void changeIsEmptyWhenLabelsAreAlreadyAsWanted() {
        assertEquals(true, Injection.ENABLED.changeFrom(Map.of("istio-injection", "enabled", "x", "y")).isEmpty());
        assertEquals(true, Injection.UNSET.changeFrom(Map.of("x", "y")).isEmpty());
        assertEquals(true, Injection.revision("r1").changeFrom(Map.of("istio.io/rev", "r1")).isEmpty());
    }

    @Test
    void changeTouchesOnlyIstioKeys() {
        Map<String, String> before = new HashMap<>(Map.of("a", "1", "istio.io/rev", "x"));
        Injection.LabelChange change = Injection.ENABLED.changeFrom(before);
        assertEquals(Map.of("istio-injection", "enabled"), change.set());
        assertEquals(Set.of("istio.io/rev"), change.remove());
    }

    @Test
    void encodesAndDecodesEveryState() {
        for (Injection injection : new Injection[] { Injection.ENABLED, Injection.DISABLED, Injection.UNSET,
                Injection.revision("1-24-0") }) {
            assertEquals(injection, Injection.decode(injection.encode()));
        }
        assertEquals(null, Injection.decode("bogus"));
    }
}
