package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UntrustedTextTest {

    static Stream<Arguments> whatAPeerSaysIsShownOnOneLine() {
        return Stream.of(
                Arguments.of("plain words stay", "plain words stay"),
                Arguments.of("a forged\r\n12:00:00 INFO log line", "a forged 12:00:00 INFO log line"),
                Arguments.of("tab\tand escape\u001b[31mred", "tab and escape [31mred"),
                Arguments.of("trailing newline\n", "trailing newline"),
                Arguments.of("\n\nleading", "leading"),
                Arguments.of("bidi \u202Eoverride\u202C", "bidi override"),
                Arguments.of("zero\u200Bwidth", "zero width"),
                Arguments.of("line\u2028separator", "line separator"),
                Arguments.of("a lone \uD800 surrogate", "a lone \uFFFD surrogate"),
                Arguments.of("ünïcödé and 日本語 stay", "ünïcödé and 日本語 stay"),
                Arguments.of("", ""));
    }

    @ParameterizedTest
    @MethodSource
    void whatAPeerSaysIsShownOnOneLine(String said, String shown) {
        assertEquals(shown, UntrustedText.clean(said));
    }

    @Test
    void nullStaysNull() {
        assertEquals(null, UntrustedText.clean(null));
    }

    @Test
    void aMegabyteIsCutToAKibibyteMarkedAsCut() {
        String huge = "x".repeat(1_200_000);
        String shown = UntrustedText.clean(huge);
        assertTrue(shown.getBytes(StandardCharsets.UTF_8).length <= UntrustedText.MAX_BYTES, shown.length() + " chars");
        assertTrue(shown.endsWith("…"));
        assertTrue(shown.startsWith("xxxx"));
    }

    @Test
    void multiByteTextIsCutBetweenCharactersWithinTheLimit() {
        String shown = UntrustedText.clean("日本".repeat(1000));
        int bytes = shown.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= UntrustedText.MAX_BYTES && bytes > UntrustedText.MAX_BYTES - 6, bytes + " bytes");
        assertFalse(shown.contains("\uFFFD"));
    }

    @Test
    void textOfExactlyTheLimitIsKeptWhole() {
        String exact = "y".repeat(UntrustedText.MAX_BYTES);
        assertEquals(exact, UntrustedText.clean(exact));
    }

    @Test
    void binaryNoiseIsCutAndCleaned() {
        byte[] noise = new byte[50_000];
        new java.util.Random(7).nextBytes(noise);
        String shown = UntrustedText.clean(new String(noise, StandardCharsets.ISO_8859_1));
        assertFalse(UntrustedText.hasControlCharacters(shown));
        assertTrue(shown.getBytes(StandardCharsets.UTF_8).length <= UntrustedText.MAX_BYTES);
    }

    @Test
    void credentialsWithLineBreaksOrEscapesAreTold() {
        assertTrue(UntrustedText.hasControlCharacters("token\n"));
        assertTrue(UntrustedText.hasControlCharacters("tok\r\nX-Injected: 1"));
        assertTrue(UntrustedText.hasControlCharacters("tok\u0000en"));
        assertFalse(UntrustedText.hasControlCharacters("eyJhbGciOiJSUzI1NiJ9.payload.signature"));
        assertFalse(UntrustedText.hasControlCharacters(null));
    }
}
