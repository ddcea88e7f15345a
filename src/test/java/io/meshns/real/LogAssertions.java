package io.meshns.real;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** What the function's log may never hold. */
final class LogAssertions {

    private LogAssertions() {
    }

    /** No credential, whole or as a recognizable part (a JWT's signature alone is as good as the token). */
    static void assertNoSecret(String log, List<String> secrets) {
        assertTrue(log.contains("started in"), "the log is the function's: " + log);
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a token is in the function's log");
            String[] jwt = secret.split("\\.");
            if (jwt.length == 3) {
                assertFalse(log.contains(jwt[2]), "a token's signature is in the function's log");
            }
        }
    }
}
