package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshns.testing.Mesh;

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
                Arguments.of(Map.of("istio-injection", "disabled", "istio.io/rev", "canary"), Injection.DISABLED),
                Arguments.of(Map.of("istio.io/dataplane-mode", "ambient"), Injection.AMBIENT),
                // Only "ambient" enrols a namespace; "none" is a pod-level opt-out.
                Arguments.of(Map.of("istio.io/dataplane-mode", "none"), Injection.UNSET),
                // A sidecar takes precedence over ztunnel for a pod that would have both.
                Arguments.of(Map.of("istio-injection", "enabled", "istio.io/dataplane-mode", "ambient"), Injection.ENABLED),
                Arguments.of(Map.of("istio.io/rev", "canary", "istio.io/dataplane-mode", "ambient"),
                        Injection.revision("canary")),
                // No sidecar (istio-injection wins over the revision), so ztunnel captures the pod.
                Arguments.of(Map.of("istio-injection", "disabled", "istio.io/dataplane-mode", "ambient"), Injection.AMBIENT),
                Arguments.of(Map.of("istio-injection", "disabled", "istio.io/rev", "canary", "istio.io/dataplane-mode",
                        "ambient"), Injection.AMBIENT),
                Arguments.of(Map.of("istio-injection", "enabled", "istio.io/rev", "canary", "istio.io/dataplane-mode",
                        "ambient"), Injection.ENABLED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void whatIstioMakesOfLabels(Map<String, String> labels, Injection expected) {
        assertEquals(expected, Injection.fromLabels(labels));
    }

    /** What each mode ends with, from any mix: its own key alone, beside the other label. */
    static Stream<Arguments> labelsEachCallEndsWith() {
        Map<Injection, Map<String, String>> after = Map.of(
                Injection.ENABLED, Map.of("team", "a", "istio-injection", "enabled"),
                Injection.revision("canary"), Map.of("team", "a", "istio.io/rev", "canary"),
                Injection.DISABLED, Map.of("team", "a", "istio-injection", "disabled"),
                Injection.AMBIENT, Map.of("team", "a", "istio.io/dataplane-mode", "ambient"),
                Injection.UNSET, Map.of("team", "a"));
        return after.entrySet().stream().flatMap(
                wanted -> Mesh.everyLabelMix().stream().map(before -> Arguments.of(wanted.getKey(), before, wanted.getValue())));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @MethodSource
    void labelsEachCallEndsWith(Injection wanted, Map<String, String> before, Map<String, String> after) {
        Injection.LabelChange change = wanted.changeFrom(before);
        assertEquals(after, change.applyTo(before));
        assertEquals(wanted, Injection.fromLabels(after));
        // Only the three keys are ever written; a second change finds nothing to do.
        change.set().keySet().forEach(key -> assertTrue(Injection.KEYS.contains(key), key));
        change.remove().forEach(key -> assertTrue(Injection.KEYS.contains(key), key));
        assertTrue(wanted.changeFrom(after).isEmpty());
    }

    @Test
    void changeIsEmptyWhenLabelsAreAlreadyAsWanted() {
        assertEquals(true, Injection.ENABLED.changeFrom(Map.of("istio-injection", "enabled", "x", "y")).isEmpty());
        assertEquals(true, Injection.UNSET.changeFrom(Map.of("x", "y")).isEmpty());
        assertEquals(true, Injection.revision("r1").changeFrom(Map.of("istio.io/rev", "r1")).isEmpty());
    }

    @Test
    void ambientRemovesBothSidecarLabelsAndTheOthersRemoveAmbient() {
        Map<String, String> sidecar = Map.of("istio-injection", "enabled", "istio.io/rev", "x", "app", "y");
        assertEquals(Set.of("istio-injection", "istio.io/rev"), Injection.AMBIENT.changeFrom(sidecar).remove());
        Map<String, String> ambient = Map.of("istio.io/dataplane-mode", "ambient", "app", "y");
        for (Injection other : new Injection[] { Injection.ENABLED, Injection.DISABLED, Injection.UNSET,
                Injection.revision("r") }) {
            assertEquals(Set.of("istio.io/dataplane-mode"), other.changeFrom(ambient).remove(), other.toString());
        }
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
                Injection.AMBIENT, Injection.revision("1-24-0") }) {
            assertEquals(injection, Injection.decode(injection.encode()));
        }
        assertEquals(null, Injection.decode("bogus"));
    }
}
