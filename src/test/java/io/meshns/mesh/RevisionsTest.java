package io.meshns.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.meshns.mesh.InjectorPresence.Webhook;
import io.meshns.mesh.RevisionReport.ClusterUse;

class RevisionsTest {

    // The injectors of InjectorPresenceTest, and 1-25 with the tag prod beside them.
    static final Webhook CLASSIC = InjectorPresenceTest.CLASSIC;
    static final Webhook REV_DEFAULT = InjectorPresenceTest.DEFAULT_REV;
    static final Webhook REV_1_24 = InjectorPresenceTest.REV_1_24;
    static final Webhook TAG_DEFAULT_1_24 = InjectorPresenceTest.TAG_DEFAULT;
    static final Webhook OTHER = InjectorPresenceTest.OTHER;
    static final Webhook REV_1_25 = new Webhook("istio-sidecar-injector-1-25", Map.of("istio.io/rev", "1-25"));
    static final Webhook TAG_PROD_1_25 = new Webhook("istio-revision-tag-prod",
            Map.of("istio.io/tag", "prod", "istio.io/rev", "1-25"));

    /** A cluster "c" with these webhooks, namespace labels (name -> labels) and pods' revisions. */
    private static Revisions.ClusterRead cluster(List<Webhook> webhooks, Map<String, Map<String, String>> namespaces,
            Map<String, Integer> pods) {
        Map<String, Injection> asked = new LinkedHashMap<>();
        namespaces.forEach((name, labels) -> asked.put(name, Revisions.sidecarOf(labels)));
        return new Revisions.ClusterRead("c", webhooks, asked, pods);
    }

    private static ClusterUse use(boolean installed, List<String> tags, List<String> namespaces, int pods) {
        return new ClusterUse("c", installed, tags, namespaces, pods);
    }

    /** Each rule of describeRevisions, as: one cluster's read -> every revision seen there, as listed. */
    static Stream<Arguments> whatOneClusterHas() {
        return Stream.of(
                Arguments.of("nothing of Istio: no revision", cluster(List.of(OTHER), Map.of("plain", Map.of()), Map.of()),
                        Map.of()),
                Arguments.of("a revision's webhook installs it; unused, it is not in use",
                        cluster(List.of(REV_1_24), Map.of(), Map.of()),
                        Map.of("1-24", use(true, List.of(), List.of(), 0))),
                Arguments.of("the classic unlabelled injector is revision default",
                        cluster(List.of(CLASSIC), Map.of("shop", Map.of("istio-injection", "enabled")), Map.of()),
                        Map.of("default", use(true, List.of(), List.of("shop"), 0))),
                Arguments.of("a webhook labelled istio.io/rev=default is revision default",
                        cluster(List.of(REV_DEFAULT), Map.of(), Map.of()),
                        Map.of("default", use(true, List.of(), List.of(), 0))),
                Arguments.of("a tag's webhook lists the tag under the revision it points at",
                        cluster(List.of(REV_1_24, REV_1_25, TAG_DEFAULT_1_24, TAG_PROD_1_25), Map.of(), Map.of()),
                        Map.of("1-24", use(true, List.of("default"), List.of(), 0),
                                "1-25", use(true, List.of("prod"), List.of(), 0))),
                Arguments.of("istio.io/rev=R selects R",
                        cluster(List.of(REV_1_24), Map.of("shop", Map.of("istio.io/rev", "1-24")), Map.of()),
                        Map.of("1-24", use(true, List.of(), List.of("shop"), 0))),
                Arguments.of("istio.io/rev=T selects the revision tag T points at",
                        cluster(List.of(REV_1_25, TAG_PROD_1_25), Map.of("shop", Map.of("istio.io/rev", "prod")), Map.of()),
                        Map.of("1-25", use(true, List.of("prod"), List.of("shop"), 0))),
                Arguments.of("istio-injection=enabled selects what the tag default points at",
                        cluster(List.of(REV_1_24, TAG_DEFAULT_1_24, CLASSIC),
                                Map.of("shop", Map.of("istio-injection", "enabled")), Map.of()),
                        Map.of("1-24", use(true, List.of("default"), List.of("shop"), 0),
                                "default", use(true, List.of(), List.of(), 0))),
                Arguments.of("istio.io/rev=default also goes where the tag default points",
                        cluster(List.of(REV_1_24, TAG_DEFAULT_1_24), Map.of("shop", Map.of("istio.io/rev", "default")), Map.of()),
                        Map.of("1-24", use(true, List.of("default"), List.of("shop"), 0))),
                Arguments.of("istio-injection=enabled without a tag default selects revision default, installed or not",
                        cluster(List.of(REV_1_24), Map.of("shop", Map.of("istio-injection", "enabled")), Map.of()),
                        Map.of("1-24", use(true, List.of(), List.of(), 0),
                                "default", use(false, List.of(), List.of("shop"), 0))),
                Arguments.of("istio-injection wins over istio.io/rev",
                        cluster(List.of(REV_1_24, REV_1_25, TAG_DEFAULT_1_24),
                                Map.of("shop", Map.of("istio-injection", "enabled", "istio.io/rev", "1-25")), Map.of()),
                        Map.of("1-24", use(true, List.of("default"), List.of("shop"), 0),
                                "1-25", use(true, List.of(), List.of(), 0))),
                Arguments.of("istio-injection=disabled selects nothing, whatever istio.io/rev says",
                        cluster(List.of(REV_1_24), Map.of("shop", Map.of("istio-injection", "disabled", "istio.io/rev", "1-24"),
                                "mesh", Map.of("istio.io/dataplane-mode", "ambient")), Map.of()),
                        Map.of("1-24", use(true, List.of(), List.of(), 0))),
                Arguments.of("a revision only named by a namespace's label is listed, not installed",
                        cluster(List.of(REV_1_24), Map.of("old", Map.of("istio.io/rev", "1-22")), Map.of()),
                        Map.of("1-22", use(false, List.of(), List.of("old"), 0),
                                "1-24", use(true, List.of(), List.of(), 0))),
                Arguments.of("pods count under the revision of their proxy, installed or not",
                        cluster(List.of(REV_1_24), Map.of(), Map.of("1-24", 3, "1-23", 1)),
                        Map.of("1-23", use(false, List.of(), List.of(), 1),
                                "1-24", use(true, List.of(), List.of(), 3))),
                Arguments.of("a tag's webhook with no revision label names nothing",
                        cluster(List.of(new Webhook("istio-revision-tag-x", Map.of("istio.io/tag", "x"))),
                                Map.of("shop", Map.of("istio.io/rev", "")), Map.of()),
                        Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void whatOneClusterHas(String rule, Revisions.ClusterRead read, Map<String, ClusterUse> expected) {
        RevisionReport report = Revisions.describe(List.of(read), List.of());
        Map<String, ClusterUse> listed = new LinkedHashMap<>();
        report.revisions().forEach(r -> listed.put(r.revision(), r.clusters().get(0)));
        assertEquals(expected, listed, rule);
        report.revisions().forEach(r -> assertEquals(!r.clusters().get(0).namespaces().isEmpty() || r.clusters().get(0).pods() > 0,
                r.inUse(), rule + ": inUse of " + r.revision()));
    }

    private static Pod pod(Map<String, String> labels, Map<String, String> annotations, String phase, String... containers) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("shop").withLabels(labels)
                .withAnnotations(annotations).endMetadata().withNewSpec().endSpec().withNewStatus().withPhase(phase).endStatus();
        for (String container : containers) {
            pod.editSpec().addNewContainer().withName(container).endContainer().endSpec();
        }
        return pod.build();
    }

    static Stream<Arguments> whichProxyAPodRuns() {
        String status = "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],\"revision\":\"1-25\"}";
        return Stream.of(
                Arguments.of("its istio.io/rev label", pod(Map.of("istio.io/rev", "1-24"), Map.of(), "Running", "app", "istio-proxy"),
                        "1-24"),
                Arguments.of("the label before the status annotation",
                        pod(Map.of("istio.io/rev", "1-24"), Map.of("sidecar.istio.io/status", status), "Running", "app", "istio-proxy"),
                        "1-24"),
                Arguments.of("else the status annotation's revision",
                        pod(Map.of(), Map.of("sidecar.istio.io/status", status), "Pending", "app", "istio-proxy"), "1-25"),
                Arguments.of("else default, for a bare istio-proxy container",
                        pod(Map.of(), Map.of(), "Running", "app", "istio-proxy"), "default"),
                Arguments.of("a status annotation that is not JSON tells nothing: default",
                        pod(Map.of(), Map.of("sidecar.istio.io/status", "{oops"), "Running", "istio-proxy"), "default"),
                Arguments.of("no proxy container: none, whatever its labels (istiod's own pods)",
                        pod(Map.of("istio.io/rev", "1-24"), Map.of(), "Running", "discovery"), null),
                Arguments.of("a pod that has ended runs none",
                        pod(Map.of("istio.io/rev", "1-24"), Map.of(), "Succeeded", "app", "istio-proxy"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void whichProxyAPodRuns(String rule, Pod pod, String revision) {
        assertEquals(revision, Revisions.proxyRevision(pod), rule);
    }

    @Test
    void aNativeSidecarIsAProxyToo() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").addToLabels("istio.io/rev", "1-25").endMetadata()
                .withNewSpec().addNewInitContainer().withName("istio-proxy").endInitContainer().addNewContainer().withName("app")
                .endContainer().endSpec().build();
        assertEquals("1-25", Revisions.proxyRevision(pod));
    }

    @Test
    void aRevisionIsInUseWhenAnyClusterUsesItAndListsEveryClusterReadSortedByName() {
        var west = new Revisions.ClusterRead("west", List.of(REV_1_24, REV_1_25), Map.of(), Map.of());
        var east = new Revisions.ClusterRead("east", List.of(REV_1_24),
                Map.of("shop", Injection.revision("1-24"), "plain", Injection.UNSET), Map.of("1-22", 2));
        RevisionReport report = Revisions.describe(List.of(west, east),
                List.of(new RevisionReport.Unreachable("south", "unreachable"), new RevisionReport.Unreachable("north", "refused")));

        assertEquals(List.of("1-22", "1-24", "1-25"), report.revisions().stream().map(RevisionReport.Revision::revision).toList());
        assertEquals(List.of(true, true, false), report.revisions().stream().map(RevisionReport.Revision::inUse).toList());
        RevisionReport.Revision r124 = report.revisions().get(1);
        assertEquals(List.of(new ClusterUse("east", true, List.of(), List.of("shop"), 0),
                new ClusterUse("west", true, List.of(), List.of(), 0)), r124.clusters());
        assertEquals(List.of(new ClusterUse("east", false, List.of(), List.of(), 0),
                new ClusterUse("west", true, List.of(), List.of(), 0)), report.revisions().get(2).clusters());
        assertEquals(List.of("north", "south"), report.unreachable().stream().map(RevisionReport.Unreachable::cluster).toList());
    }

    @Test
    void namesAClusterSendsAreCleanedAndCut() {
        String hostile = "1-24\u001b[2J" + "x".repeat(100);
        var read = new Revisions.ClusterRead("c", List.of(new Webhook("w", Map.of("istio.io/rev", hostile))), Map.of(), Map.of());
        String listed = Revisions.describe(List.of(read), List.of()).revisions().get(0).revision();
        assertEquals(-1, listed.indexOf('\u001b'));
        assertEquals(true, UntrustedText.utf8Length(listed) <= Names.MAX_LENGTH, listed);
    }

    @Test
    void aNamespaceThatAsksForNoSidecarIsNotKept() {
        assertNull(Revisions.sidecarOf(Map.of("istio-injection", "disabled", "istio.io/rev", "1-24")));
        assertNull(Revisions.sidecarOf(Map.of()));
        assertEquals(Injection.revision("1-24"), Revisions.sidecarOf(Map.of("istio.io/rev", "1-24")));
    }
}
