package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshns.mesh.Injection;

class LabelPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> patches() {
        return Stream.of(
                Arguments.of("enable on a labelled namespace adds the key alone", Map.of("team", "x"), Injection.ENABLED, null,
                        LabelPatch.Kind.JSON, "[{\"op\":\"add\",\"path\":\"/metadata/labels/istio-injection\",\"value\":\"enabled\"}]"),
                Arguments.of("a revision removes istio-injection, which would win over it", Map.of("istio-injection", "enabled"),
                        Injection.revision("1-25"), null, LabelPatch.Kind.JSON,
                        "[{\"op\":\"remove\",\"path\":\"/metadata/labels/istio-injection\"},"
                                + "{\"op\":\"add\",\"path\":\"/metadata/labels/istio.io~1rev\",\"value\":\"1-25\"}]"),
                Arguments.of("with a version, a test op comes first", Map.of("istio-injection", "enabled"), Injection.DISABLED,
                        "42", LabelPatch.Kind.JSON,
                        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                                + "{\"op\":\"add\",\"path\":\"/metadata/labels/istio-injection\",\"value\":\"disabled\"}]"),
                Arguments.of("no labels at all: a merge patch creates the map", Map.of(), Injection.AMBIENT, null,
                        LabelPatch.Kind.MERGE, "{\"metadata\":{\"labels\":{\"istio.io/dataplane-mode\":\"ambient\"}}}"),
                Arguments.of("no labels, with a version: the merge patch carries it", null, Injection.ENABLED, "7",
                        LabelPatch.Kind.MERGE, "{\"metadata\":{\"resourceVersion\":\"7\",\"labels\":{\"istio-injection\":\"enabled\"}}}"),
                Arguments.of("removing injection removes every key present", Map.of("istio.io/rev", "1-24", "istio.io/dataplane-mode",
                        "ambient", "app", "web"), Injection.UNSET, null, LabelPatch.Kind.JSON, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void putsTheWantedInjectionAndTouchesNoOtherLabel(String why, Map<String, String> labels, Injection wanted, String version,
            LabelPatch.Kind kind, String body) {
        LabelPatch patch = LabelPatch.of(labels, wanted, version);
        assertEquals(kind, patch.kind());
        if (body != null) {
            assertEquals(json(body), json(patch.body()));
        } else {
            // Which key goes first is not part of the patch's meaning.
            assertEquals(java.util.Set.of(json("{\"op\":\"remove\",\"path\":\"/metadata/labels/istio.io~1rev\"}"),
                    json("{\"op\":\"remove\",\"path\":\"/metadata/labels/istio.io~1dataplane-mode\"}")),
                    ops(patch.body()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void theContentTypeMatchesTheKind(String why, Map<String, String> labels, Injection wanted, String version,
            LabelPatch.Kind kind, String body) {
        assertEquals(kind == LabelPatch.Kind.JSON ? "application/json-patch+json" : "application/merge-patch+json",
                LabelPatch.of(labels, wanted, version).kind().contentType());
    }

    private static java.util.Set<JsonNode> ops(String patch) {
        java.util.Set<JsonNode> ops = new java.util.HashSet<>();
        json(patch).forEach(ops::add);
        return ops;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @org.junit.jupiter.api.Test
    void aNamespaceThatHasTheWantedLabelsNeedsNoPatch() {
        assertNull(LabelPatch.of(Map.of("istio-injection", "enabled", "team", "x"), Injection.ENABLED, "3"));
        assertNull(LabelPatch.of(Map.of(), Injection.UNSET, null));
        assertFalse(LabelPatch.changes(Map.of("istio.io/rev", "1-25"), Injection.revision("1-25")));
        assertTrue(LabelPatch.changes(Map.of("istio.io/rev", "1-24"), Injection.revision("1-25")));
    }

    @org.junit.jupiter.api.Test
    void aConditionalPatchCarriesTheVersionEvenWithNothingToChange() {
        assertEquals(json("[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"9\"}]"),
                json(LabelPatch.ifCurrent(Map.of("istio-injection", "enabled"), "9", Injection.ENABLED).body()));
        assertEquals(json("[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"9\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"istio-injection\":\"disabled\"}}]"),
                json(LabelPatch.ifCurrent(null, "9", Injection.DISABLED).body()));
        assertEquals(json("[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"9\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/labels/istio-injection\"}]"),
                json(LabelPatch.ifCurrent(Map.of("istio-injection", "enabled", "a", "b"), "9", Injection.UNSET).body()));
        assertEquals(LabelPatch.Kind.JSON, LabelPatch.ifCurrent(Map.of(), "9", Injection.ENABLED).kind());
    }
}
