package io.meshns.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshns.mesh.Injection;
import io.meshns.mesh.RestartImpact;

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

    /**
     * Pods as kube-apiserver 1.20 lists them: a Deployment's pod with an injected proxy (status
     * annotation, volumes, env, managedFields), one with a native-sidecar proxy that is being
     * deleted, a bare pod that opts out, and a finished Job pod.
     */
    private static final String PODS = """
            {"kind":"PodList","apiVersion":"v1","metadata":{"selfLink":"/api/v1/namespaces/shop/pods","resourceVersion":"900"},
             "items":[
              {"metadata":{"name":"cart-7d9f8b6c5-x2x9q","generateName":"cart-7d9f8b6c5-","namespace":"shop","uid":"a1",
                "resourceVersion":"801","creationTimestamp":"2026-11-26T10:00:00Z",
                "labels":{"app":"cart","pod-template-hash":"7d9f8b6c5","security.istio.io/tlsMode":"istio"},
                "annotations":{"sidecar.istio.io/status":"{\\"initContainers\\":[\\"istio-init\\"],\\"containers\\":[\\"istio-proxy\\"],\\"revision\\":\\"1-23\\"}"},
                "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"cart-7d9f8b6c5","uid":"r1","controller":true,"blockOwnerDeletion":true}],
                "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"cart\\"}":{}}}}}]},
               "spec":{"volumes":[{"name":"istio-envoy","emptyDir":{"medium":"Memory"}},{"name":"token","projected":{"sources":[{"serviceAccountToken":{"path":"istio-token","expirationSeconds":43200}}]}}],
                "initContainers":[{"name":"istio-init","image":"docker.io/istio/proxyv2:1.23.0","args":["istio-iptables","-p","15001"]}],
                "containers":[{"name":"cart","image":"shop/cart:1.4","env":[{"name":"PORT","value":"8080"}],"ports":[{"containerPort":8080,"protocol":"TCP"}]},
                 {"name":"istio-proxy","image":"docker.io/istio/proxyv2:1.23.0","env":[{"name":"ISTIO_META_POD_PORTS","value":"[{\\"containerPort\\":8080}]"}],
                  "resources":{"limits":{"cpu":"2","memory":"1Gi"}}}],
                "restartPolicy":"Always","nodeName":"node-1"},
               "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"podIP":"10.0.0.7",
                "containerStatuses":[{"name":"cart","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-11-26T10:00:05Z"}}}]}},
              {"metadata":{"name":"pay-0","namespace":"shop","deletionTimestamp":"2026-11-26T11:00:00Z","resourceVersion":"802",
                "labels":{"app":"pay","istio.io/rev":"canary"},
                "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"pay","uid":"s1","controller":true}]},
               "spec":{"initContainers":[{"name":"istio-proxy","restartPolicy":"Always"}],"containers":[{"name":"pay"}]},
               "status":{"phase":"Running"}},
              {"metadata":{"name":"debug","namespace":"shop","resourceVersion":"803","annotations":{"sidecar.istio.io/inject":"false"}},
               "spec":{"containers":[{"name":"shell","image":"busybox"}]},"status":{"phase":"Pending"}},
              {"status":{"phase":"Succeeded"},"spec":{"containers":[{"name":"migrate"}]},
               "metadata":{"name":"migrate-abcde","namespace":"shop","labels":null,"annotations":null,
                "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"migrate","uid":"j1","controller":false}]}}
             ]}
            """;

    @Test
    void podsKeepWhatTheirRestartImpactIsJudgedByAsFabric8ReadsIt() throws IOException {
        List<Pod> full = new KubernetesSerialization().unmarshal(PODS, PodList.class).getItems();
        List<Pod> read = MetadataReader.pods(PODS.getBytes(StandardCharsets.UTF_8));

        assertEquals(4, read.size());
        for (int i = 0; i < full.size(); i++) {
            Pod expected = full.get(i);
            Pod actual = read.get(i);
            assertEquals(expected.getMetadata().getName(), actual.getMetadata().getName());
            assertEquals(expected.getMetadata().getNamespace(), actual.getMetadata().getNamespace());
            assertEquals(expected.getMetadata().getDeletionTimestamp(), actual.getMetadata().getDeletionTimestamp());
            assertEquals(orEmpty(expected.getMetadata().getLabels()), orEmpty(actual.getMetadata().getLabels()));
            assertEquals(orEmpty(expected.getMetadata().getAnnotations()), orEmpty(actual.getMetadata().getAnnotations()));
            assertEquals(owners(expected), owners(actual));
            assertEquals(names(expected.getSpec().getContainers()), names(actual.getSpec().getContainers()));
            assertEquals(names(expected.getSpec().getInitContainers()), names(actual.getSpec().getInitContainers()));
            assertEquals(expected.getStatus().getPhase(), actual.getStatus().getPhase());
        }
        // Skipped, not bound.
        Pod cart = read.get(0);
        assertEquals(List.of(), cart.getSpec().getVolumes());
        assertNull(cart.getSpec().getContainers().get(0).getImage());
        assertEquals(List.of(), cart.getStatus().getContainerStatuses());
        assertEquals(List.of(), cart.getMetadata().getManagedFields());
    }

    @Test
    void theRestartImpactOfPodsReadSoIsThatOfPodsReadWhole() throws IOException {
        List<Pod> full = new KubernetesSerialization().unmarshal(PODS, PodList.class).getItems();
        List<Pod> read = MetadataReader.pods(PODS.getBytes(StandardCharsets.UTF_8));

        for (Injection wanted : List.of(Injection.ENABLED, Injection.DISABLED, Injection.UNSET, Injection.AMBIENT,
                Injection.revision("canary"), Injection.revision("1-23"))) {
            for (Set<String> accepted : List.of(Set.<String>of(), Set.of("1-23"), Set.of("canary"))) {
                RestartImpact expected = RestartImpact.of(wanted, accepted, full);
                assertEquals(expected, RestartImpact.of(wanted, accepted, read), wanted + " accepting " + accepted);
            }
        }
        // Not vacuous: the proxy's container and its revision are read, the opt-out, the deletion and the phase too.
        assertEquals(new RestartImpact(1, List.of("Deployment/cart")), RestartImpact.of(Injection.DISABLED, Set.of(), read));
        assertEquals(new RestartImpact(1, List.of("Deployment/cart")), RestartImpact.of(Injection.revision("canary"), Set.of("canary"), read));
        assertEquals(RestartImpact.NONE, RestartImpact.of(Injection.ENABLED, Set.of("1-23"), read));
    }

    @Test
    void anEmptyPodListHasNoPods() throws IOException {
        String empty = "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}";
        assertEquals(List.of(), MetadataReader.pods(empty.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), MetadataReader.pods("{\"items\":null}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.pods("[]".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The ledger's entries, as a PartialObjectMetadataList (what kube-apiserver sends when asked for
     * metadata only) and as a ConfigMapList (what a server that cannot sends): the same metadata of
     * each, and nothing of their data.
     */
    @Test
    void aListReadAsMetadataKeepsEachItemsNameVersionLabelsAndCreationTimeWhicheverFormItCameIn() throws IOException {
        String partial = """
                {"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"90","continue":"next-1"},
                 "items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                   "metadata":{"name":"event-1","namespace":"meshns-system","resourceVersion":"77","creationTimestamp":"2026-11-26T10:00:00Z",
                     "labels":{"meshns.io/ledger":"event"},"managedFields":[{"manager":"meshns"}]}}]}
                """;
        String whole = """
                {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"90","continue":"next-1"},
                 "items":[{"data":{"function":"createNamespace","claimant":"x"},"binaryData":{"answer.gz":"H4sIAAAAAAAA"},
                   "metadata":{"name":"event-1","namespace":"meshns-system","resourceVersion":"77","creationTimestamp":"2026-11-26T10:00:00Z",
                     "labels":{"meshns.io/ledger":"event"}}}]}
                """;
        for (String body : List.of(partial, whole)) {
            io.fabric8.kubernetes.api.model.ListMeta list = new io.fabric8.kubernetes.api.model.ListMeta();
            List<io.fabric8.kubernetes.api.model.ObjectMeta> items = MetadataReader.metadata(body.getBytes(StandardCharsets.UTF_8),
                    list);

            assertEquals("next-1", list.getContinue());
            assertEquals(1, items.size());
            assertEquals("event-1", items.get(0).getName());
            assertEquals("77", items.get(0).getResourceVersion());
            assertEquals("2026-11-26T10:00:00Z", items.get(0).getCreationTimestamp());
            assertEquals(Map.of("meshns.io/ledger", "event"), items.get(0).getLabels());
            assertEquals(List.of(), items.get(0).getManagedFields());
        }
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static List<String> owners(Pod pod) {
        return pod.getMetadata().getOwnerReferences().stream()
                .map(o -> o.getKind() + "/" + o.getName() + "/" + o.getController()).toList();
    }

    private static List<String> names(List<Container> containers) {
        return containers.stream().map(Container::getName).toList();
    }

    @Test
    void aBodyThatIsNotAnObjectIsAnError() {
        assertThrows(IOException.class, () -> MetadataReader.namespaces("[]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.namespaces("{\"items\":[{\"metadata\":".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> MetadataReader.namespace("\"shop\"".getBytes(StandardCharsets.UTF_8)));
    }
}
