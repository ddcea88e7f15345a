package io.meshns.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.meshns.mesh.Injection;
import io.meshns.mesh.Outcome;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.Requests;
import io.meshns.testing.TestConfig;

/** The namespace state store against a CRUD API server, read like a kubectl session: write, read, conflict, delete. */
class NamespaceStatesTest {

    private final MockApiServer controlPlane = MockApiServer.start();
    private final TestConfig config = TestConfig.withFanoutTimeout(Duration.ofSeconds(2));
    private final NamespaceStates states = instance();

    @AfterEach
    void stop() {
        controlPlane.close();
    }

    /** Another meshns instance over the same control plane: a store with copies of its own. */
    private NamespaceStates instance() {
        return new NamespaceStates(controlPlane.client(), new StateNamespace(controlPlane.client(), config));
    }

    private ConfigMap stored(String ns) {
        return controlPlane.client().configMaps().inNamespace("meshns-system").withName("namespace-" + ns).get();
    }

    @Test
    void applyCreatesTheStateThenUpdatesItAtTheVersionItRead() {
        NamespaceStates.Stored created = states.applyToNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        assertNull(created.version(), "there was nothing to apply the change to");
        ConfigMap first = stored("shop");
        assertEquals(Map.of(NamespaceStates.NAMESPACE_LABEL, "shop", StateNamespace.MANAGED_BY, "meshns"),
                first.getMetadata().getLabels());
        assertEquals(Injection.ENABLED, StateCodec.decodeNamespace(first.getData()).desired());

        NamespaceStates.Stored updated = states.applyToNamespaceState("shop", s -> s.withDesired(Injection.DISABLED));
        assertEquals(first.getMetadata().getResourceVersion(), updated.version());
        assertEquals(Injection.DISABLED, updated.state().desired());
        ConfigMap second = stored("shop");
        assertNotEquals(first.getMetadata().getResourceVersion(), second.getMetadata().getResourceVersion());
        assertEquals(Injection.DISABLED, StateCodec.decodeNamespace(second.getData()).desired());
    }

    /** A warm instance writes from its own copy: one PUT, no GET, and the copy's version is what the server now holds. */
    @Test
    void aWarmInstanceWritesFromItsRememberedCopyAndRemembersTheVersionWritten() throws InterruptedException {
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        Requests.drain(controlPlane);

        states.updateNamespaceState("shop", s -> s.withLock("me", Duration.ofSeconds(9)));

        List<String> requests = Requests.drain(controlPlane);
        assertEquals(List.of("PUT /api/v1/namespaces/meshns-system/configmaps/namespace-shop"), requests);
        assertEquals(stored("shop").getMetadata().getResourceVersion(), states.rememberedVersion("shop"));
        assertNull(states.rememberedVersion("other"), "nothing read, nothing remembered");
    }

    /**
     * Two instances write one namespace's state: the one whose copy is stale gets a conflict, reads
     * again and applies its change to what the other wrote, so neither change is lost.
     */
    @Test
    void aWriteFromAStaleCopyConflictsAndIsReappliedToWhatTheOtherInstanceWrote() {
        NamespaceStates other = instance();
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        other.updateNamespaceState("shop", s -> s.withSetting(List.of("east"), Injection.DISABLED));
        AtomicInteger applied = new AtomicInteger();

        NamespaceStates.Stored done = states.applyToNamespaceState("shop", s -> {
            applied.incrementAndGet();
            return s.withLock("me", Duration.ofSeconds(9));
        });

        assertEquals(2, applied.get(), "first to the stale copy, then to the state read afresh");
        assertEquals(other.rememberedVersion("shop"), done.version(), "applied to what the other instance wrote");
        NamespaceState after = StateCodec.decodeNamespace(stored("shop").getData());
        assertEquals(Injection.ENABLED, after.desired());
        assertEquals(Map.of("east", Injection.DISABLED), after.settings());
        assertEquals("me", after.lockHolder());
    }

    @Test
    void aChangeThatChangesNothingWritesNothing() throws InterruptedException {
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        String version = stored("shop").getMetadata().getResourceVersion();
        Requests.drain(controlPlane);

        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));

        assertEquals(List.of(), Requests.writes(Requests.drain(controlPlane)));
        assertEquals(version, stored("shop").getMetadata().getResourceVersion());
    }

    @Test
    void anExistingStateIsNeverBroughtBackAndIsDeletedWhenNothingIsLeftInIt() {
        NamespaceStates.Stored none = states.updateExistingNamespaceState("gone", s -> s.withDesired(Injection.ENABLED));
        assertEquals(NamespaceState.EMPTY, none.state());
        assertNull(stored("gone"), "no state is created for a namespace that has none");

        states.updateNamespaceState("shop", s -> s.withLock("me", Duration.ofSeconds(9)));
        states.updateExistingNamespaceState("shop", NamespaceState::withoutLock);
        assertNull(stored("shop"), "a state with nothing left in it is deleted");
        assertNull(states.rememberedVersion("shop"));
    }

    @Test
    void replaceWritesOnlyOverTheVersionGiven() {
        NamespaceState enabled = NamespaceState.EMPTY.withDesired(Injection.ENABLED);
        assertTrue(states.replaceNamespaceState("shop", null, enabled), "created where there was none");
        assertFalse(states.replaceNamespaceState("shop", null, enabled), "but not over one that exists");
        String version = stored("shop").getMetadata().getResourceVersion();
        instance().updateNamespaceState("shop", s -> s.withSetting(List.of("east"), Injection.DISABLED));

        assertFalse(states.replaceNamespaceState("shop", version, NamespaceState.EMPTY.withDesired(Injection.DISABLED)));
        assertEquals(Map.of("east", Injection.DISABLED), StateCodec.decodeNamespace(stored("shop").getData()).settings());

        String current = stored("shop").getMetadata().getResourceVersion();
        assertTrue(states.replaceNamespaceState("shop", current, NamespaceState.EMPTY.withDesired(Injection.DISABLED)));
        NamespaceState after = StateCodec.decodeNamespace(stored("shop").getData());
        assertEquals(Injection.DISABLED, after.desired());
        assertEquals(Map.of(), after.settings());
    }

    /**
     * The CRUD mock ignores a delete's preconditions, so that a state written since the version
     * given stays is for a real API server to show; here: the delete at the version read.
     */
    @Test
    void deleteAtTheVersionReadRemovesTheStateAndForgetsTheCopy() {
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        instance().updateNamespaceState("shop", s -> s.withDesired(Injection.DISABLED));
        assertEquals(Injection.DISABLED, states.namespaceState("shop").orElseThrow().desired(), "read afresh, not remembered");

        assertTrue(states.deleteNamespaceState("shop", states.rememberedVersion("shop")));

        assertNull(stored("shop"));
        assertTrue(states.namespaceState("shop").isEmpty());
        assertNull(states.rememberedVersion("shop"));
    }

    @Test
    void deleteRemovesTheStateAndForgetsTheCopy() {
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        states.deleteNamespaceState("shop");
        assertNull(stored("shop"));
        assertNull(states.rememberedVersion("shop"));
        // Written afresh, not from the forgotten copy.
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.DISABLED));
        assertEquals(Injection.DISABLED, states.namespaceState("shop").orElseThrow().desired());
    }

    /** Listing reads only namespace states, each with its version, and remembers them for the writes that follow. */
    @Test
    void allStatesAreListedByNamespaceWithTheirVersionsAndNothingElse() throws InterruptedException {
        states.updateNamespaceState("shop", s -> s.withDesired(Injection.ENABLED));
        states.updateNamespaceState("bank", s -> s.withOutcomes(Injection.DISABLED, List.of(Outcome.applied("east")),
                java.time.Instant.parse("2026-01-01T00:00:00Z")));
        controlPlane.client().configMaps().inNamespace("meshns-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("cluster-east").addToLabels(ClusterStore.CLUSTER_LABEL, "east").endMetadata().build()).create();
        NamespaceStates cold = instance();

        Map<String, NamespaceStates.Stored> all = cold.allNamespaceStates();

        assertEquals(Set.of("shop", "bank"), all.keySet());
        assertEquals(stored("shop").getMetadata().getResourceVersion(), all.get("shop").version());
        assertEquals(Injection.ENABLED, all.get("shop").state().desired());
        assertEquals(Outcome.Result.APPLIED, all.get("bank").state().clusters().get("east").outcome());
        assertEquals(all.get("bank").version(), cold.rememberedVersion("bank"));
        assertEquals(Set.of("shop", "bank"), cold.allNamespaceIntents().keySet());
        assertTrue(cold.allNamespaceOverviews().get("shop").intent().manages());
    }
}
