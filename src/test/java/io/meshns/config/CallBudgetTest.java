package io.meshns.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which settings let every call end within meshns.call-timeout, and how a change's time is shared. */
class CallBudgetTest {

    @ParameterizedTest(name = "fanout {0}, call {1}: fits = {2}")
    @CsvSource({
            "PT5S,  PT50S, true",   // the defaults
            "PT10S, PT50S, true",   // MESHNS_FANOUT_TIMEOUT=10s: the lock wait shrinks, the call still fits
            "PT20S, PT50S, true",
            "PT21S, PT50S, false",  // 2 x 21 s + 10 s > 50 s: refused at start-up
            "PT2S,  PT10S, false",
            "PT2S,  PT14S, true" })
    void aChangeMustFitInTheCallTimeout(Duration fanout, Duration call, boolean fits) {
        String problem = new CallBudget(fanout, call).problem();
        if (fits) {
            assertNull(problem);
        } else {
            assertTrue(problem.contains("meshns.call-timeout") && problem.contains("fanout-timeout"), problem);
        }
    }

    @ParameterizedTest(name = "fanout {0}: lease {1}")
    @CsvSource({ "PT5S, PT15S", "PT10S, PT25S", "PT2S, PT9S" })
    void othersWaitTheHoldersWorkingTimePlusAMargin(Duration fanout, Duration ttl) {
        CallBudget budget = new CallBudget(fanout, Duration.ofSeconds(60));
        assertEquals(fanout.multipliedBy(2), budget.work());
        assertEquals(ttl, budget.leaseTtl());
    }
}
