package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
