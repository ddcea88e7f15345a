package io.meshns.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshns.cluster.DataPlane;
import io.meshns.kube.Deadline;
import io.meshns.state.NamespaceState;

/** When the read made before the lock may be acted on, cluster by cluster: {@link EarlyRead#readAgain}. */
class EarlyReadRuleTest {

    private static final KubernetesClient EAST = client("east");
    private static final KubernetesClient WEST = client("west");
    private static final KubernetesClient WEST_ROTATED = client("west");

    private static final DataPlane east = DataPlane.ready("east", EAST);
    private static final DataPlane west = DataPlane.ready("west", WEST);
    private static final List<DataPlane> READ = List.of(east, west);

    @AfterAll
    static void close() {
        List.of(EAST, WEST, WEST_ROTATED).forEach(KubernetesClient::close);
    }

    @Test
    void aLockTakenFreeOverTheVersionSeenProvesTheReadCurrent() {
        assertEquals(List.of(), EarlyRead.readAgain("41", lease("41", true), READ, READ));
    }

    @Test
    void aStateWrittenSinceTheReadMeansEveryClusterIsReadAgain() {
        assertEquals(READ, EarlyRead.readAgain("41", lease("42", true), READ, READ));
    }

    @Test
    void aLockTakenOverFromASilentHolderProvesNothing() {
        assertEquals(READ, EarlyRead.readAgain("41", lease("41", false), READ, READ));
    }

    @Test
    void aNamespaceNeverSeenIsReadUnderTheLock() {
        assertEquals(READ, EarlyRead.readAgain(null, lease(null, true), READ, READ));
    }

    @Test
    void aClusterRegisteredSinceOrWithNewCredentialsIsReadAgainAlone() {
        DataPlane north = DataPlane.ready("north", client("north"));
        DataPlane westRotated = DataPlane.ready("west", WEST_ROTATED);
        try {
            assertEquals(List.of(westRotated, north),
                    EarlyRead.readAgain("41", lease("41", true), READ, List.of(east, westRotated, north)));
        } finally {
            north.client().close();
        }
    }

    @Test
    void aClusterDeregisteredSinceIsNotActedOn() {
        assertEquals(List.of(), EarlyRead.readAgain("41", lease("41", true), READ, List.of(east)));
    }

    private static NamespaceLock.Lease lease(String before, boolean wasFree) {
        return new NamespaceLock.Lease("holder", Deadline.in(Duration.ofSeconds(5)), before, NamespaceState.EMPTY, wasFree);
    }

    private static KubernetesClient client(String name) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("https://" + name + ".invalid:6443")
                .build()).build();
    }
}
