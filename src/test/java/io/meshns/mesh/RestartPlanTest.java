package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestartPlanTest {

    @ParameterizedTest(name = "{0}: restarted as {1}, else skipped because of \"{2}\"")
    @CsvSource(delimiter = '|', value = {
            "Deployment/web           | deployments  | ",
            "StatefulSet/db           | statefulsets | ",
            "DaemonSet/agent          | daemonsets   | ",
            "Pod/debug                |              | never deletes pods",
            "Job/migrate              |              | a pod of a Job",
            "ReplicaSet/orphan-rs     |              | no Deployment owns",
            "Rollout/canary           |              | owned by a Rollout",
            "ReplicationController/rc |              | owned by a ReplicationController" })
    void restartsWhatARolloutRestartCanAndSaysWhyNotForTheRest(String workload, String resource, String why) {
        RestartPlan plan = RestartPlan.of(List.of(workload));
        if (resource != null) {
            String[] kindAndName = workload.split("/");
            assertEquals(List.of(new RestartPlan.Workload(kindAndName[0], resource, kindAndName[1])), plan.restart());
            assertEquals(workload, plan.restart().get(0).id());
            assertEquals(List.of(), plan.skipped());
        } else {
            assertEquals(List.of(), plan.restart());
            assertEquals(1, plan.skipped().size());
            assertEquals(workload, plan.skipped().get(0).workload());
            org.junit.jupiter.api.Assertions.assertTrue(plan.skipped().get(0).reason().contains(why), plan.skipped().get(0).reason());
        }
    }

    @org.junit.jupiter.api.Test
    void keepsTheOrderOfRestartImpact() {
        RestartPlan plan = RestartPlan.of(List.of("DaemonSet/a", "Deployment/b", "Job/c", "Pod/d", "StatefulSet/e"));
        assertEquals(List.of("DaemonSet/a", "Deployment/b", "StatefulSet/e"), plan.restart().stream().map(RestartPlan.Workload::id).toList());
        assertEquals(List.of("Job/c", "Pod/d"), plan.skipped().stream().map(RestartPlan.Skipped::workload).toList());
    }
}
