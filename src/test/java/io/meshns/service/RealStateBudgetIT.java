package io.meshns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.meshns.kube.Deadline;
import io.meshns.mesh.HistoryEntry;
import io.meshns.mesh.Injection;
import io.meshns.service.NamespaceLock.Locked;
import io.meshns.mesh.Outcome;
import io.meshns.state.NamespaceState;
import io.meshns.state.StateCodec;
import io.meshns.state.NamespaceStates;
import io.meshns.state.StateNamespace;
import io.meshns.testing.TestConfig;
import io.meshns.testing.real.RealKube;
import io.meshns.testing.real.RealKubernetes;

/**
 * What a real API server makes of a namespace's state when its clusters answer at length: it refuses
 * a ConfigMap over 1 MiB (the CRUD mock takes any size), meshns' state of a thousand such clusters
 * stays far below that, and a state write it refuses all the same still releases the lock.
 */
@RealKubernetes
class RealStateBudgetIT {

    private static KubernetesClient admin;
    private static StateNamespace stateNamespace;
    private static NamespaceStates store;

    @BeforeAll
    static void controlPlane() throws Exception {
        admin = RealKube.servers().controlPlane().admin();
        stateNamespace = new StateNamespace(admin, TestConfig.withFanoutTimeout(Duration.ofSeconds(2)));
        store = new NamespaceStates(admin, stateNamespace);
    }

    private static List<Outcome> refusals(int clusters, int length) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < clusters; i++) {
            outcomes.add(Outcome.failed("cluster-" + i, "rejected with HTTP 400: (BadRequest) " + "w".repeat(length)));
        }
        return outcomes;
    }

    private static ConfigMap stateConfigMap(String ns) {
        return admin.configMaps().inNamespace(stateNamespace.name()).withLabel(NamespaceStates.NAMESPACE_LABEL, ns).list().getItems()
                .get(0);
    }

    private static int bytes(Map<String, String> data) {
        return data.entrySet().stream().mapToInt(e -> (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length).sum();
    }

    @Test
    void theServerRefusesAStateOverOneMebibyte() {
        stateNamespace.ensureExists();
        // Forty clusters refusing with 30 KB each, written whole: what meshns would store without its budget.
        Map<String, String> whole = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            whole.put("cluster.cluster-" + i, "{\"outcome\":\"failed\",\"message\":\"" + "x".repeat(30_000) + "\"}");
        }
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> admin.configMaps()
                .inNamespace(stateNamespace.name()).resource(new ConfigMapBuilder().withNewMetadata().withName("too-large")
                        .endMetadata().withData(whole).build()).create());
        assertEquals(422, refused.getCode());
    }

    @Test
    void aThousandClustersAnsweringAtLengthAreStoredWithinTheBudget() {
        NamespaceLock lock = new NamespaceLock(store, Duration.ofSeconds(4), Duration.ofSeconds(9), System::nanoTime, millis -> {
        });
        HistoryEntry entry = new HistoryEntry("2026-12-04T00:00:00Z", "admin", "InjectionEnabled", Map.of());
        for (int change = 0; change < NamespaceState.HISTORY_KEPT; change++) {
            lock.run("loud", Deadline.in(Duration.ofSeconds(10)),
                    lease -> Locked.recording(null, new NamespaceLock.Change(Injection.ENABLED, refusals(1000, 5000))
                            .withHistory(entry)));
        }
        Map<String, String> data = stateConfigMap("loud").getData();
        assertTrue(bytes(data) <= StateCodec.BUDGET, bytes(data) + " bytes");
        NamespaceState state = StateCodec.decodeNamespace(data);
        assertEquals(1000, state.clusters().size());
        assertNull(state.lockHolder());
    }

    @Test
    void aStateTheServerRefusesStillReleasesTheLockAndTheChangeKeepsItsOutcomes() {
        NamespaceLock lock = new NamespaceLock(store, Duration.ofSeconds(4), Duration.ofSeconds(9), System::nanoTime, millis -> {
        });
        store.updateNamespaceState("refused", state -> state.withDesired(Injection.ENABLED));
        // A key a real API server refuses in a ConfigMap ("/"), where the CRUD mock takes it.
        List<Outcome> outcomes = List.of(Outcome.applied("east"), Outcome.failed("not/a-key", "refused"));
        NamespaceLock.Change done = lock.run("refused", Deadline.in(Duration.ofSeconds(10)),
                lease -> Locked.recording(null, new NamespaceLock.Change(Injection.DISABLED, outcomes))).change();
        assertEquals(outcomes, List.copyOf(done.outcomes()));
        NamespaceState after = StateCodec.decodeNamespace(stateConfigMap("refused").getData());
        assertNull(after.lockHolder(), "the lock is released even though its record was refused");
        assertEquals(Injection.ENABLED, after.desired(), "the refused record was not half written");
        // The next change does not wait out a lease.
        long start = System.nanoTime();
        lock.run("refused", Deadline.in(Duration.ofSeconds(1)), lease -> null);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
    }
}
