package io.meshns.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretRedactionTest {

    private static String warning(String property, String value) {
        return " - " + property + " is set to '" + value + "' but it is build time fixed to 'null'. Did you change the property "
                + property + " after building the application?";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "quarkus.kubernetes-client.token, eyJhbGciOi.x'y.z, true",
            "quarkus.kubernetes-client.password, hunter2, true",
            "quarkus.kubernetes-client.client-key-data, LS0tLS1CRUdJTi, true",
            "quarkus.kubernetes-client.client-key-passphrase, open, true",
            "quarkus.kubernetes-client.ca-cert-data, LS0tLS1CRUdJTi, true",
            "quarkus.kubernetes-client.api-server-url, https://cp.example:6443, false" })
    void aSecretPropertysValueNeverReachesTheLog(String property, String value, boolean secret) {
        String message = "Build time property cannot be changed at runtime:\n" + warning(property, value);
        String logged = SecretRedaction.redact(message);
        assertEquals(!secret, logged.contains(value), logged);
        assertEquals(true, logged.contains(property), "the property is still named: " + logged);
    }

    @org.junit.jupiter.api.Test
    void everySecretOfAMultiLineWarningIsRedacted() {
        String message = "Build time property cannot be changed at runtime:\n" + warning("quarkus.kubernetes-client.token", "t0k")
                + "\n" + warning("quarkus.kubernetes-client.api-server-url", "https://x") + "\n"
                + warning("quarkus.kubernetes-client.password", "pw");
        String logged = SecretRedaction.redact(message);
        assertEquals(false, logged.contains("t0k") || logged.contains("'pw'"), logged);
        assertEquals(true, logged.contains("'https://x'"), logged);
    }
}
