package io.meshns.error;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The errors table of the documentation says what the code answers: every {@link ErrorCode} is a
 * row with its status, and every row is an {@link ErrorCode}. The table is the one under "Errors"
 * in docs/reference.md, or in README.md while there is no reference page.
 */
class ErrorCodeTableTest {

    /** A row "| 409 | `injector-missing` | when |": its status and its code. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(\\d{3})\\s*\\|\\s*`([a-z][a-z-]*)`\\s*\\|.*\\|\\s*$");

    @Test
    void everyErrorCodeIsDocumentedWithItsStatusAndEveryDocumentedCodeExists() throws IOException {
        Map<String, Integer> documented = table(documentation());
        Map<String, Integer> answered = Arrays.stream(ErrorCode.values())
                .collect(Collectors.toMap(ErrorCode::code, ErrorCode::status, (a, b) -> a, TreeMap::new));

        List<String> undocumented = answered.keySet().stream().filter(code -> !documented.containsKey(code)).toList();
        List<String> unknown = documented.keySet().stream().filter(code -> !answered.containsKey(code)).toList();
        List<String> wrongStatus = answered.keySet().stream()
                .filter(code -> documented.containsKey(code) && !documented.get(code).equals(answered.get(code)))
                .map(code -> code + ": " + answered.get(code) + " in the code, " + documented.get(code) + " in the table")
                .toList();
        assertAll(
                () -> assertEquals(List.of(), undocumented, "codes missing from the errors table"),
                () -> assertEquals(List.of(), unknown, "codes in the errors table that the code never answers"),
                () -> assertEquals(List.of(), wrongStatus, "codes whose status differs"));
    }

    /** An enum of what the code answers holds nothing it never answers. */
    @Test
    void everyErrorCodeIsMadeSomewhereInTheCode() throws IOException {
        String sources;
        try (var files = Files.walk(Path.of("src", "main", "java"))) {
            sources = files.filter(file -> file.toString().endsWith(".java") && !file.endsWith("ErrorCode.java"))
                    .map(ErrorCodeTableTest::read).collect(Collectors.joining("\n"));
        }
        List<String> unused = Arrays.stream(ErrorCode.values())
                .filter(code -> !Pattern.compile("\\bErrorCode\\." + code.name() + "\\b").matcher(sources).find())
                .map(ErrorCode::name).toList();
        assertEquals(List.of(), unused, "codes nothing in src/main makes");
    }

    @Test
    void wireCodesAreUnique() {
        assertEquals(ErrorCode.values().length,
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count());
    }

    @Test
    void aTableThatDiffersFromTheEnumIsCaught() {
        String table = """
                ## Errors

                | status | error | when |
                |---|---|---|
                | 409 | `injector-missing` | a cluster cannot inject |
                | 404 | `no-such-code` | never |
                """;
        Map<String, Integer> documented = table(table);
        assertEquals(Map.of("injector-missing", 409, "no-such-code", 404), documented);
        assertFalse(Arrays.stream(ErrorCode.values()).anyMatch(code -> code.code().equals("no-such-code")));
        assertTrue(documented.size() < ErrorCode.values().length);
        assertThrows(IllegalStateException.class, () -> table("## Errors\n\nno table here\n"));
    }

    @Test
    void anErrorCarriesItsCodeAndStatus() {
        MeshException error = ErrorCode.INJECTOR_MISSING.error("no injector in east");
        assertEquals(409, error.status());
        assertEquals("injector-missing", error.code());
        assertEquals("no injector in east", error.getMessage());
        IllegalStateException cause = new IllegalStateException();
        assertEquals(cause, ErrorCode.CONTROL_PLANE_UNAVAILABLE.error("down", cause).getCause());
        assertEquals(431, ErrorCode.INTERNAL_ERROR.withStatus(431, "headers too large").status());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** docs/reference.md when it exists, else README.md. */
    private static String documentation() throws IOException {
        Path reference = Path.of("docs", "reference.md");
        return Files.readString(Files.exists(reference) ? reference : Path.of("README.md"));
    }

    /** Code -> status of the first table after an "Errors" heading (## or ###). */
    static Map<String, Integer> table(String markdown) {
        List<String> lines = markdown.lines().toList();
        int heading = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^#{2,3} Errors\\s*$")) {
                heading = i;
                break;
            }
        }
        if (heading < 0) {
            throw new IllegalStateException("no Errors section");
        }
        int header = -1;
        for (int i = heading + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            if (lines.get(i).replace(" ", "").startsWith("|status|error|when|")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            throw new IllegalStateException("no table with columns status | error | when under Errors");
        }
        Map<String, Integer> rows = new TreeMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            if (!row.matches()) {
                throw new IllegalStateException("an errors table row that is not | status | `code` | when |: " + lines.get(i));
            }
            Integer before = rows.put(row.group(2), Integer.valueOf(row.group(1)));
            if (before != null) {
                throw new IllegalStateException("code " + row.group(2) + " listed twice");
            }
        }
        return rows;
    }
}
