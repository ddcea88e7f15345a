package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.meshns.error.MeshException;

class NamesTest {

    @ParameterizedTest(name = "\"{0}\" is a valid name")
    @ValueSource(strings = { "a", "0", "shop", "shop-2", "a-b-c", "1abc", "abc1",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123" /* 63 */ })
    void acceptsRfc1123Labels(String name) {
        assertNull(Names.problemWith(name));
        assertEquals(name, Names.requireValid("name", name));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected: {1}")
    @CsvSource(delimiter = '|', value = {
            "''|must not be empty",
            "Shop|RFC 1123",
            "-shop|RFC 1123",
            "shop-|RFC 1123",
            "sh_op|RFC 1123",
            "sh.op|RFC 1123",
            "shop ns|RFC 1123",
            "ñame|RFC 1123",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234|64 characters long" })
    void rejectsOthersWithTheReason(String name, String reason) {
        String problem = Names.problemWith(name);
        assertNotNull(problem);
        assertEquals(true, problem.contains(reason), problem);
        MeshException error = assertThrows(MeshException.class, () -> Names.requireValid("name", name));
        assertEquals(400, error.status());
        assertEquals("invalid-name", error.code());
    }
}
