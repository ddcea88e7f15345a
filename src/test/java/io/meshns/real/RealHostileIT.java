package io.meshns.real;

import static io.meshns.testing.real.RealMesh.createNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Secret;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.Outcomes;
import io.meshns.testing.real.RealKubernetes;

/**
 * Credentials that would break their own header, on real API servers over TLS: refused at
 * registration, and, where one was stored anyway, failing at once without being quoted in an
 * answer, a ConfigMap or the log (the log is checked for every token when the class is done).
 */
@RealKubernetes
class RealHostileIT extends FunctionCalledAsAdmin {

    @BeforeAll
    static void deploy() throws Exception {
        start("hostile");
    }

    @AfterAll
    static void deregisterAll() throws Exception {
        if (function != null) {
            Answers.deregisterAll(function, admin);
        }
    }

    @Test
    void aTokenWithATrailingNewlineOrABadCaIsRefusedAtRegistration() throws Exception {
        String token = mesh.agentToken(mesh.east());
        FunctionProcess.Answer refused = function.call("registerCluster",
                mesh.registrationWith("x-east", mesh.east(), mesh.east().caCert(), token + "\\n"), admin);
        assertEquals(400, refused.status(), refused.body().toString());
        assertEquals("invalid-token", refused.text("error"));
        assertFalse(refused.body().toString().contains(token));
        FunctionProcess.Answer notPem = function.call("registerCluster",
                mesh.registrationWith("x-east", mesh.east(), "not a pem at all", token), admin);
        assertEquals(400, notPem.status(), notPem.body().toString());
        assertEquals("invalid-ca-cert", notPem.text("error"));
        assertFalse(ok("listClusters", "{}").toString().contains("x-east"), "nothing was registered");
    }

    @Test
    void aStoredTokenNoRequestCanCarryFailsAtOnceAndIsQuotedNowhere() throws Exception {
        ok("registerCluster", mesh.registration("h-east", mesh.east()));
        ok("registerCluster", mesh.registration("h-west", mesh.west()));
        createNamespace(mesh.east(), "hostile", Map.of());
        createNamespace(mesh.west(), "hostile", Map.of());
        ok("createNamespace", "{\"name\": \"hostile\"}");
        String token = mesh.agentToken(mesh.east());
        var secrets = mesh.controlPlane().admin().secrets().inNamespace("meshns-system");
        Secret secret = secrets.withLabel("meshns.io/cluster", "h-east").list().getItems().get(0);
        secret.getData().put("token", Base64.getEncoder().encodeToString((token + "\r\n").getBytes(StandardCharsets.UTF_8)));
        secrets.resource(secret).update();

        FunctionProcess.Answer changed = function.ok("enableInjection", "{\"namespace\": \"hostile\", \"revision\": \"1-24-0\"}",
                admin);
        assertEquals(Map.of("h-east", "failed", "h-west", "applied"), Outcomes.of(changed.body()));
        assertTrue(changed.millis() < 3000, "failed at once, not after the fan-out timeout: " + changed.millis() + " ms");
        JsonNode described = ok("describeMesh", "{\"namespace\": \"hostile\"}");
        JsonNode read = ok("getNamespace", "{\"name\": \"hostile\"}");
        String stored = mesh.controlPlane().admin().configMaps().inNamespace("meshns-system").list().getItems().toString();
        for (String seen : new String[] {changed.body().toString(), described.toString(), read.toString(), stored}) {
            assertFalse(seen.contains(token), "the token is quoted: " + seen);
        }
    }
}
