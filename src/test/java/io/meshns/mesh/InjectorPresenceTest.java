package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshns.mesh.InjectorPresence.Webhook;

class InjectorPresenceTest {

    static final Webhook CLASSIC = new Webhook("istio-sidecar-injector", Map.of());
    static final Webhook DEFAULT_REV = new Webhook("istio-sidecar-injector-default", Map.of("istio.io/rev", "default"));
    static final Webhook REV_1_24 = new Webhook("istio-sidecar-injector-1-24", Map.of("istio.io/rev", "1-24"));
    static final Webhook TAG_DEFAULT = new Webhook("istio-revision-tag-default",
            Map.of("istio.io/tag", "default", "istio.io/rev", "1-24"));
    static final Webhook TAG_STABLE = new Webhook("istio-revision-tag-stable",
            Map.of("istio.io/tag", "stable", "istio.io/rev", "1-24"));
    static final Webhook OTHER = new Webhook("cert-manager-webhook", Map.of("app", "cert-manager"));

    static Stream<Arguments> isThereAnInjector() {
        Injection rev124 = Injection.revision("1-24");
        Injection stable = Injection.revision("stable");
        return Stream.of(
                Arguments.of(Injection.ENABLED, List.of(), false),
                Arguments.of(Injection.ENABLED, List.of(OTHER), false),
                // Without a revision: the classic name, rev=default or tag=default.
                Arguments.of(Injection.ENABLED, List.of(CLASSIC), true),
                Arguments.of(Injection.ENABLED, List.of(DEFAULT_REV), true),
                Arguments.of(Injection.ENABLED, List.of(TAG_DEFAULT), true),
                // A revision alone does not inject namespaces that ask for the default.
                Arguments.of(Injection.ENABLED, List.of(REV_1_24), false),
                // With a revision: rev=R or tag=R, never the classic one.
                Arguments.of(rev124, List.of(REV_1_24), true),
                Arguments.of(rev124, List.of(CLASSIC, DEFAULT_REV), false),
                Arguments.of(stable, List.of(TAG_STABLE), true),
                Arguments.of(stable, List.of(REV_1_24, TAG_DEFAULT), false),
                Arguments.of(Injection.revision("istio-sidecar-injector"), List.of(CLASSIC), false));
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource
    void isThereAnInjector(Injection wanted, List<Webhook> webhooks, boolean present) {
        assertEquals(present, InjectorPresence.present(wanted, webhooks));
    }

    @Test
    void onlyEnabledInjectionNeedsAnInjector() {
        assertEquals(true, InjectorPresence.needsInjector(Injection.ENABLED));
        assertEquals(true, InjectorPresence.needsInjector(Injection.revision("1-24")));
        assertEquals(false, InjectorPresence.needsInjector(Injection.DISABLED));
        assertEquals(false, InjectorPresence.needsInjector(Injection.UNSET));
    }

    @Test
    void aTagAcceptsTheProxiesOfTheRevisionItPointsAt() {
        assertEquals(Set.of("stable", "1-24"), InjectorPresence.acceptedRevisions(Injection.revision("stable"),
                List.of(TAG_STABLE, TAG_DEFAULT)));
        assertEquals(Set.of("default", "1-24"), InjectorPresence.acceptedRevisions(Injection.ENABLED, List.of(TAG_DEFAULT)));
        assertEquals(Set.of("1-24"), InjectorPresence.acceptedRevisions(Injection.revision("1-24"), List.of(TAG_STABLE)));
    }

    @Test
    void aClustersRevisionsAreItsWebhooksRevisionsWithTheClassicInjectorAsDefault() {
        assertEquals(List.of(), InjectorPresence.revisions(List.of()));
        assertEquals(List.of(), InjectorPresence.revisions(List.of(OTHER)));
        assertEquals(List.of("1-24", "default"), InjectorPresence.revisions(List.of(REV_1_24, CLASSIC, OTHER)));
        assertEquals(List.of("default"), InjectorPresence.revisions(List.of(CLASSIC, DEFAULT_REV)));
        // A tag names a revision already counted, never one of its own.
        assertEquals(List.of("1-24"), InjectorPresence.revisions(List.of(TAG_STABLE, TAG_DEFAULT)));
        // What a hostile cluster labels its webhooks with reaches the answer clean and short.
        String forged = InjectorPresence.revisions(List.of(new Webhook("w", Map.of("istio.io/rev", "1-24\r\nINFO forged"
                + "x".repeat(5000))))).get(0);
        assertTrue(forged.startsWith("1-24 INFO forged") && forged.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63,
                forged);
    }
}
