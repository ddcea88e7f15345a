package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class MetadataReaderTest {

    /** A page as kube-apiserver 1.20 sends it: managedFields, annotations, spec and status around what meshns reads. */
    private static final String PAGE = """
            {"kind":"NamespaceList","apiVersion":"v1",
             "metadata":{"selfLink":"/api/v1/namespaces","resourceVersion":"4711","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},
             "items":[
              {"metadata":{"name":"shop","uid":"5a7c","resourceVersion":"812","creationTimestamp":"2026-11-26T10:00:00Z",
                "labels":{"istio-injection":"enabled","kubernetes.io/metadata.name":"shop","team":null},
                "annotations":{"note":"{\\"labels\\":{\\"x\\":\\"y\\"}}"},
                "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2026-11-26T10:00:00Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:istio-injection":{}}}}}]},
               "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active","conditions":[]}},
              {"spec":{"finalizers":["kubernetes"]},"metadata":{"resourceVersion":"9","name":"bare"},"status":{"phase":"Terminating"}},
              {"metadata":{"name":"odd","labels":null,"resourceVersion":10}}
             ]}
            """;

    @Test
    void eachNamespaceKeepsItsNameResourceVersionAndLabelsAndTheListItsContinueToken() throws IOException {
        NamespaceList list = MetadataReader.namespaces(PAGE.getBytes(StandardCharsets.UTF_8));

        assertEquals("eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", list.getMetadata().getContinue());
        assertEquals("4711", list.getMetadata().getResourceVersion());
        assertEquals(List.of("shop", "bare", "odd"), list.getItems().stream().map(ns -> ns.getMetadata().getName()).toList());
        Namespace shop = list.getItems().get(0);
        assertEquals("812", shop.getMetadata().getResourceVersion());
        Map<String, String> labels = new java.util.HashMap<>();
        labels.put("istio-injection", "enabled");
        labels.put("kubernetes.io/metadata.name", "shop");
        labels.put("team", null);
        assertEquals(labels, shop.getMetadata().getLabels());
        assertEquals("10", list.getItems().get(2).getMetadata().getResourceVersion());
        // Skipped, not bound: nothing meshns does not use is kept.
        assertNull(shop.getSpec());
        assertNull(shop.getStatus());
        assertEquals(Map.of(), shop.getMetadata().getAnnotations());
        assertEquals(List.of(), shop.getMetadata().getManagedFields());
    }

    @Test
    void whatItKeepsIsWhatFabric8ReadsOfTheSameList() throws IOException {
        NamespaceList full = new KubernetesSerialization().unmarshal(PAGE, NamespaceList.class);
        NamespaceList read = MetadataReader.namespaces(PAGE.getBytes(StandardCharsets.UTF_8));

        assertEquals(full.getMetadata().getContinue(), read.getMetadata().getContinue());
        assertEquals(full.getItems().size(), read.getItems().size());
        for (int i = 0; i < full.getItems().size(); i++) {
            var expected = full.getItems().get(i).getMetadata();
            var actual = read.getItems().get(i).getMetadata();
            assertEquals(expected.getName(), actual.getName());
            assertEquals(expected.getResourceVersion(), actual.getResourceVersion());
            assertEquals(expected.getLabels() == null ? Map.of() : expected.getLabels(),
                    actual.getLabels() == null ? Map.of() : actual.getLabels());
        }
    }

    @Test
    void aSingleNamespaceAsAGetOrAPatchAnswersIt() throws IOException {
        String shop = PAGE.substring(PAGE.indexOf("{\"metadata\":{\"name\":\"shop\""), PAGE.indexOf(",\n  {\"spec\""));
        Namespace read = MetadataReader.namespace(shop.getBytes(StandardCharsets.UTF_8));

        assertEquals("shop", read.getMetadata().getName());
        assertEquals("812", read.getMetadata().getResourceVersion());
        assertEquals("enabled", read.getMetadata().getLabels().get("istio-injection"));
        assertNull(read.getSpec());
    }

    @Test
    void webhookConfigurationsKeepTheirNamesAndLabelsAndNotTheirWebhooks() throws IOException {
        String list = """
                {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfigurationList","metadata":{"resourceVersion":"77"},
                 "items":[{"metadata":{"name":"istio-revision-tag-default","labels":{"istio.io/rev":"1-24","istio.io/tag":"default"}},
                   "webhooks":[{"name":"rev.namespace.sidecar-injector.istio.io","clientConfig":{"service":{"name":"istiod-1-24"}},
                     "namespaceSelector":{"matchExpressions":[{"key":"istio.io/rev","operator":"In","values":["default"]}]},
                     "failurePolicy":"Ignore"}]},
                  {"metadata":{"name":"other"}}]}
                """;
        var hooks = MetadataReader.webhooks(list.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("istio-revision-tag-default", "other"), hooks.stream().map(h -> h.getMetadata().getName()).toList());
        assertEquals(Map.of("istio.io/rev", "1-24", "istio.io/tag", "default"), hooks.get(0).getMetadata().getLabels());
        assertEquals(List.of(), hooks.get(0).getWebhooks());
    }

    @Test
    void aBodyThatIsNotAnObjectIsAnError() {
        assertThrows(IOException.class, () -> MetadataReader.namespaces("[]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.namespaces("{\"items\":[{\"metadata\":".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.namespace("\"shop\"".getBytes(StandardCharsets.UTF_8)));
    }
}
