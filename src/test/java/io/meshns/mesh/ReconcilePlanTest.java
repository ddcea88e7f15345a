package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReconcilePlanTest {

    /** shop: enabled mesh-wide, east keeps its own "disabled"; pay: a revision everywhere; old: removed. */
    private static final Map<String, Rollout> WANTED = Map.of(
            "shop", new Rollout(Injection.ENABLED, Map.of("east", Injection.DISABLED)),
            "pay", new Rollout(Injection.revision("1-25"), Map.of()),
            "old", new Rollout(Injection.UNSET, Map.of()));

    private static Map<String, ReconcilePlan.Listing> listings() {
        Map<String, ReconcilePlan.Listing> listings = new LinkedHashMap<>();
        listings.put("east", ReconcilePlan.Listing.of(Map.of(
                "shop", Map.of("istio-injection", "disabled"),
                "pay", Map.of("istio.io/rev", "1-24"),
                "old", Map.of("team", "x"))));
        listings.put("west", ReconcilePlan.Listing.of(Map.of(
                "shop", Map.of("istio-injection", "disabled"),
                "old", Map.of("istio-injection", "enabled"))));
        listings.put("north", ReconcilePlan.Listing.failed("unreachable: ConnectException (connection refused)"));
        return listings;
    }

    @Test
    void eachCellIsSettledWithoutAWriteOrNeedsAPatch() {
        ReconcilePlan plan = ReconcilePlan.of(WANTED, listings());

        // A cluster's own setting is what it is held to; the mesh-wide state elsewhere.
        assertEquals(Map.of("east", Outcome.unchanged("east"), "north", Outcome.failed("north",
                "unreachable: ConnectException (connection refused)")), plan.settled().get("shop"));
        assertEquals(Map.of("west", Outcome.absent("west"), "north", Outcome.failed("north",
                "unreachable: ConnectException (connection refused)")), plan.settled().get("pay"));
        assertEquals(Map.of("east", Outcome.unchanged("east"), "north", Outcome.failed("north",
                "unreachable: ConnectException (connection refused)")), plan.settled().get("old"));
        assertEquals(Map.of("shop", List.of("west"), "pay", List.of("east"), "old", List.of("west")), plan.drifted());
    }

    @Test
    void aDryRunAnswersEveryDriftedCellAsApplied() {
        Map<String, Map<String, Outcome>> preview = ReconcilePlan.of(WANTED, listings()).preview();

        assertEquals(Outcome.applied("west"), preview.get("shop").get("west"));
        assertEquals(Outcome.unchanged("east"), preview.get("shop").get("east"));
        assertEquals(Outcome.applied("east"), preview.get("pay").get("east"));
        assertEquals(3, preview.get("old").size());
    }

    @Test
    void inSyncEverywhereNeedsNoPatch() {
        Map<String, ReconcilePlan.Listing> listings = Map.of("east", ReconcilePlan.Listing.of(Map.of(
                "shop", Map.of("istio-injection", "disabled"))));
        ReconcilePlan plan = ReconcilePlan.of(Map.of("shop", WANTED.get("shop")), listings);

        assertEquals(Map.of(), plan.drifted());
        assertEquals(Map.of("shop", Map.of("east", Outcome.unchanged("east"))), plan.settled());
    }
}
