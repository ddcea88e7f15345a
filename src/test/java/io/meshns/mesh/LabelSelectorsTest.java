package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshns.error.MeshException;

class LabelSelectorsTest {

    @ParameterizedTest(name = "\"{0}\" is valid")
    @ValueSource(strings = { "team", "!team", "team=a", "team==a", "team!=a", "team=", "a=b,c!=d", "env in (dev,prod)",
            "env notin (dev)", "env in (dev, prod), !legacy, tier=gold", "app.kubernetes.io/name=x", " team = a " })
    void acceptsKubernetesSyntax(String selector) {
        assertNull(LabelSelectors.problemWith(selector));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = { "a b c", "=x", "team in (a", "team in a", "team=a b", "te am=x", "-team=x", "team=-x",
            "team,,tier", "team=a=b", "team in (bad value)", "!", "team)" })
    void rejectsTheRest(String selector) {
        assertNotNull(LabelSelectors.problemWith(selector));
    }

    /** The labels of a canary cluster in the EU the table matches against. */
    private static final Map<String, String> CANARY_EU = Map.of("ring", "canary", "region", "eu", "tier", "");

    @ParameterizedTest(name = "\"{0}\" selects ring=canary,region=eu,tier=: {1}")
    @CsvSource(delimiter = '|', value = {
            "ring=canary                 | true",
            "ring==canary                | true",
            "ring=stable                 | false",
            "ring!=stable                | true",
            "ring!=canary                | false",
            "legacy!=yes                 | true",
            "region in (eu,us)           | true",
            "region in (us, ap)          | false",
            "region notin (us)           | true",
            "region notin (eu)           | false",
            "legacy notin (yes)          | true",
            "ring                        | true",
            "legacy                      | false",
            "!legacy                     | true",
            "!ring                       | false",
            "tier=                       | true",
            "tier                        | true",
            "ring=canary,region in (eu)  | true",
            "ring=canary,!region         | false",
            "' ring = canary , !legacy ' | true" })
    void matchesAsTheApiServerDoes(String selector, boolean selected) {
        assertEquals(selected, LabelSelectors.require("clusterSelector", selector).matches(CANARY_EU));
    }

    @Test
    void aClusterWithoutLabelsIsSelectedOnlyByNegations() {
        assertEquals(true, LabelSelectors.require("clusterSelector", "!ring,ring!=canary,ring notin (a)").matches(null));
        assertEquals(false, LabelSelectors.require("clusterSelector", "ring").matches(Map.of()));
    }

    @ParameterizedTest(name = "\"{0}\" is a 400 naming the field")
    @ValueSource(strings = { "", " ", "ring in (a", "a b c", "!", "ring=canary,,x" })
    void aMalformedOrEmptySelectorIsA400NamingTheField(String selector) {
        MeshException refused = org.junit.jupiter.api.Assertions.assertThrows(MeshException.class,
                () -> LabelSelectors.require("clusterSelector", selector));
        assertEquals(400, refused.status());
        assertEquals("invalid-label-selector", refused.code());
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("'clusterSelector'"), refused.getMessage());
    }
}
