package io.meshns.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshns.testing.Mesh;
import io.meshns.testing.MeshServers;
import io.meshns.testing.Snapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What another origin's page can make a browser send without a CORS preflight (HTML form posts and
 * fetch with a "simple" content type) changes nothing in any cluster: the console's own origin is
 * the only page that can call the functions.
 */
@QuarkusTest
@QuarkusTestResource(value = MeshServers.class, restrictToAnnotatedClass = true)
class CrossOriginTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    /** A hostile request: its name, how it is sent, where. */
    record Hostile(String name, String contentType, String body, boolean ceHeaders, String path) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Hostile> hostileRequests() {
        String json = "{\"namespace\": \"victim\"}";
        return List.of(
                new Hostile("form urlencoded to a function", "application/x-www-form-urlencoded", "namespace=victim", false,
                        "/enableInjection"),
                new Hostile("form urlencoded carrying JSON", "application/x-www-form-urlencoded", json, false,
                        "/enableInjection"),
                new Hostile("multipart form", "multipart/form-data; boundary=xyz",
                        "--xyz\r\nContent-Disposition: form-data; name=\"namespace\"\r\n\r\nvictim\r\n--xyz--\r\n", false,
                        "/enableInjection"),
                new Hostile("text/plain JSON to a function", "text/plain", json, false, "/enableInjection"),
                new Hostile("text/plain JSON to a function, charset", "text/plain;charset=UTF-8", json, false,
                        "/enableInjection"),
                new Hostile("text/plain create", "text/plain", "{\"name\": \"planted\"}", false, "/createNamespace"),
                new Hostile("text/plain to the event endpoint", "text/plain", json, false, "/"),
                new Hostile("text/plain binary CloudEvent", "text/plain", json, true, "/"),
                new Hostile("urlencoded binary CloudEvent", "application/x-www-form-urlencoded", json, true, "/"),
                new Hostile("multipart binary CloudEvent", "multipart/form-data; boundary=xyz",
                        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + json + "\r\n--xyz--\r\n", true, "/"),
                new Hostile("text/plain structured CloudEvent", "text/plain",
                        "{\"specversion\": \"1.0\", \"type\": \"meshns.enableInjection\", \"source\": \"/evil\", \"id\": \"e1\","
                                + " \"datacontenttype\": \"application/json\", \"data\": " + json + "}",
                        false, "/"));
    }

    @BeforeEach
    void aMeshWithOneNamespace() {
        Mesh.register("east", MeshServers.east.url());
        if (MeshServers.controlPlane.client().namespaces().withName("victim").get() == null) {
            Mesh.createNamespace(MeshServers.controlPlane.client(), "victim", Map.of());
            Mesh.createNamespace(MeshServers.east.client(), "victim", Map.of());
        }
    }

    @AfterEach
    void deregister() {
        Mesh.deregisterAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void isRefusedAndChangesNothing(Hostile hostile) throws Exception {
        Snapshot controlPlane = Snapshot.of(MeshServers.controlPlane.client());
        Snapshot east = Snapshot.of(MeshServers.east.client());

        // Exactly the bytes and headers given (RestAssured would add a charset to text/plain).
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(hostile.path()))
                .header("Origin", "https://evil.example").header("Content-Type", hostile.contentType())
                .POST(HttpRequest.BodyPublishers.ofString(hostile.body()));
        if (hostile.ceHeaders()) {
            request.header("ce-specversion", "1.0").header("ce-type", "meshns.enableInjection")
                    .header("ce-source", "/evil").header("ce-id", "evil-" + hostile.name().hashCode());
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(controlPlane, Snapshot.of(MeshServers.controlPlane.client()));
        assertEquals(east, Snapshot.of(MeshServers.east.client()));
        assertTrue(answer.statusCode() >= 400, hostile + " answered " + answer.statusCode() + ": " + answer.body());
        assertEquals(415, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"unsupported-media-type\""), answer.body());
        assertTrue(answer.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "no CORS grant to another origin");
    }
}
