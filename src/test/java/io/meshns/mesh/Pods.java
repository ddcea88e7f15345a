package io.meshns.mesh;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods for the analyzers' tables, as an API server returns them. */
final class Pods {

    private Pods() {
    }

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().addNewContainer().withName("app").endContainer().endSpec();
    }

    static Pod plain() {
        return pod("plain").build();
    }

    /** With an istio-proxy container, injected by {@code revision} (null: no revision recorded). */
    static Pod sidecar(String revision) {
        PodBuilder pod = pod("sidecar").editSpec().addNewContainer().withName("istio-proxy").endContainer().endSpec();
        if (revision != null) {
            pod.editMetadata().addToLabels("istio.io/rev", revision).endMetadata();
        }
        return pod.build();
    }

    /** istio-proxy as a native sidecar: an init container with restartPolicy Always. */
    static Pod nativeSidecar(String revision) {
        return pod("native").editMetadata().addToAnnotations("sidecar.istio.io/status", "{\"revision\":\"" + revision + "\"}")
                .endMetadata().editSpec().addNewInitContainer().withName("istio-proxy").withRestartPolicy("Always")
                .endInitContainer().endSpec().build();
    }

    static Pod optedOut(Pod pod, String value) {
        return new PodBuilder(pod).editMetadata().addToLabels(Map.of("sidecar.istio.io/inject", value)).endMetadata().build();
    }
}
