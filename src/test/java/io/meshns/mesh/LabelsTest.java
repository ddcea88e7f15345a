package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshns.error.MeshException;

class LabelsTest {

    private static final String N63 = "a".repeat(63);

    @ParameterizedTest(name = "key \"{0}\" is valid")
    @ValueSource(strings = { "team", "Team", "app.kubernetes.io/name", "istio.io/rev", "a", "a_b.c-d", "example.com/x",
            "a/b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" /* 63 */,
            "sub.example.com/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })
    void acceptsQualifiedKeys(String key) {
        assertNull(Labels.problemWithKey(key));
    }

    @ParameterizedTest(name = "key \"{0}\" is rejected")
    @ValueSource(strings = { "", "/x", "x/", "-team", "team-", "te am", "Example.com/x", "a/b/c", "ex_ample.com/x",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" /* 64 */ })
    void rejectsMalformedKeys(String key) {
        assertNotNull(Labels.problemWithKey(key));
    }

    @Test
    void rejectsAPrefixLongerThan253() {
        String prefix = ("a".repeat(62) + ".").repeat(4) + "abcd"; // 256 characters
        assertNotNull(Labels.problemWithKey(prefix + "/x"));
        assertNull(Labels.problemWithKey(("a".repeat(62) + ".").repeat(4) + "a/x")); // 253
    }

    @ParameterizedTest(name = "value \"{0}\" is valid")
    @ValueSource(strings = { "", "enabled", "1-24-0", "A.b_c-D", "0" })
    void acceptsValues(String value) {
        assertNull(Labels.problemWithValue(value));
    }

    @ParameterizedTest(name = "value \"{0}\" is rejected")
    @ValueSource(strings = { "-x", "x-", "a b", "a/b", "ä", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })
    void rejectsMalformedValues(String value) {
        assertNotNull(Labels.problemWithValue(value));
    }

    @Test
    void edgeLengthValueOf63IsValid() {
        assertNull(Labels.problemWithValue(N63));
        assertNotNull(Labels.problemWithValue(N63 + "a"));
    }

    @Test
    void requireValidNamesTheOffendingLabel() {
        MeshException error = assertThrows(MeshException.class,
                () -> Labels.requireValid(Map.of("team", "shop", "bad key", "x")));
        assertEquals(400, error.status());
        assertEquals("invalid-label", error.code());
        assertEquals(true, error.getMessage().contains("bad key"), error.getMessage());
    }
}
