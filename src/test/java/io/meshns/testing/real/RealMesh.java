package io.meshns.testing.real;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;

/**
 * meshns deployed as a user would on the real servers of {@link RealKube}: function.yaml's
 * ServiceAccount and RBAC in the control plane, the function run as that ServiceAccount (a
 * TokenRequest token), and in each data plane the agent of deploy/data-plane-agent.yaml (get, list
 * and patch namespaces; list pods and MutatingWebhookConfigurations), a second one with the namespace
 * rights only, and Istio's sidecar injectors for the revisions tests use.
 */
public final class RealMesh {

    /** The kinds of function.yaml that a bare kube-apiserver serves (the Knative ones need Knative). */
    private static final Set<String> BARE_KINDS = Set.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
            "Role", "RoleBinding");

    private static RealMesh deployed;

    private final RealKube servers;
    private final String functionToken;
    private final Map<String, String> agentTokens;
    private final Map<String, String> namespaceOnlyTokens;

    private RealMesh(RealKube servers, String functionToken, Map<String, String> agentTokens,
            Map<String, String> namespaceOnlyTokens) {
        this.servers = servers;
        this.functionToken = functionToken;
        this.agentTokens = agentTokens;
        this.namespaceOnlyTokens = namespaceOnlyTokens;
    }

    /** The revisions whose injector every data plane has, as if Istio were installed there. */
    public static final List<String> INSTALLED_REVISIONS = List.of("default", "1-24-0", "canary", "stable");

    /** Deploys once per test JVM. */
    public static synchronized RealMesh deploy() throws Exception {
        if (deployed == null) {
            RealKube servers = RealKube.servers();
            applyFunctionYaml(servers.controlPlane().admin());
            String functionToken = servers.controlPlane().serviceAccountToken("meshns-system", "meshns");
            Map<String, String> agentTokens = new LinkedHashMap<>();
            Map<String, String> namespaceOnlyTokens = new LinkedHashMap<>();
            for (KubeApiServer dataPlane : List.of(servers.east(), servers.west())) {
                agentTokens.put(dataPlane.name(), grantAgent(dataPlane));
                namespaceOnlyTokens.put(dataPlane.name(), grantNamespacesOnly(dataPlane));
                INSTALLED_REVISIONS.forEach(revision -> installInjector(dataPlane, revision, null));
            }
            deployed = new RealMesh(servers, functionToken, agentTokens, namespaceOnlyTokens);
        }
        return deployed;
    }

    private static void applyFunctionYaml(KubernetesClient admin) {
        create(admin, FunctionYaml.objects());
    }

    /** Creates the objects of a manifest that a bare kube-apiserver serves, in order. */
    private static void create(KubernetesClient admin, List<HasMetadata> objects) {
        for (HasMetadata resource : objects) {
            if (BARE_KINDS.contains(resource.getKind())) {
                admin.resource(resource).create();
            }
        }
    }

    /**
     * The agent of deploy/data-plane-agent.yaml, as a cluster admin applies it: get, list and patch
     * namespaces; list pods (restart impact) and MutatingWebhookConfigurations (the injector
     * precheck). Nothing else: not the optional rights to restart workloads.
     */
    private static String grantAgent(KubeApiServer dataPlane) {
        create(dataPlane.admin(), FunctionYaml.objects(FunctionYaml.DATA_PLANE_AGENT));
        return dataPlane.serviceAccountToken("kube-system", "meshns-agent");
    }

    /** The v1 data-plane rights alone (get, list and patch namespaces): no pods, no webhooks. */
    private static String grantNamespacesOnly(KubeApiServer dataPlane) {
        dataPlane.admin().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata()
                .withName("meshns-agent-namespaces").endMetadata()
                .addNewRule().withApiGroups("").withResources("namespaces").withVerbs("get", "list", "patch").endRule()
                .build()).create();
        return bind(dataPlane, "meshns-agent-namespaces", "meshns-agent-namespaces");
    }

    private static String bind(KubeApiServer dataPlane, String role, String account) {
        dataPlane.admin().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role)
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                .addNewSubject().withKind("ServiceAccount").withName(account).withNamespace("kube-system").endSubject()
                .build()).create();
        return dataPlane.serviceAccountToken("kube-system", account);
    }

    /**
     * A MutatingWebhookConfiguration as Istio labels its injector's (istio.io/rev=R, and istio.io/tag=T
     * for a revision tag), named as Istio names it. Nothing serves it: no rules and failurePolicy
     * Ignore, so the API server never waits on it. Returns its name.
     */
    public static String installInjector(KubeApiServer dataPlane, String revision, String tag) {
        String name = tag != null ? "istio-revision-tag-" + tag
                : "default".equals(revision) ? "istio-sidecar-injector" : "istio-sidecar-injector-" + revision;
        var labels = new LinkedHashMap<String, String>();
        labels.put("app", "sidecar-injector");
        labels.put("istio.io/rev", revision);
        if (tag != null) {
            labels.put("istio.io/tag", tag);
        }
        dataPlane.admin().admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                new io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder()
                        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                        .addNewWebhook().withName("rev.namespace.sidecar-injector.istio.io")
                        .withNewClientConfig().withUrl("https://127.0.0.1:9/inject").endClientConfig()
                        .withAdmissionReviewVersions("v1").withSideEffects("None").withFailurePolicy("Ignore")
                        .endWebhook().build())
                .create();
        return name;
    }

    public RealKube servers() {
        return servers;
    }

    public KubeApiServer controlPlane() {
        return servers.controlPlane();
    }

    public KubeApiServer east() {
        return servers.east();
    }

    public KubeApiServer west() {
        return servers.west();
    }

    /** The function's own credential in the control plane (a token of function.yaml's ServiceAccount). */
    public String functionToken() {
        return functionToken;
    }

    /** The agent token meshns is given for a data plane. */
    public String agentToken(KubeApiServer dataPlane) {
        return agentTokens.get(dataPlane.name());
    }

    /** The token of an agent that may only get, list and patch namespaces there (no pods, no webhooks). */
    public String namespaceOnlyToken(KubeApiServer dataPlane) {
        return namespaceOnlyTokens.get(dataPlane.name());
    }

    /** Every credential in play: none may ever appear in meshns' log. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(functionToken));
        secrets.addAll(agentTokens.values());
        secrets.addAll(namespaceOnlyTokens.values());
        servers.all().forEach(server -> secrets.addAll(server.tokens()));
        return secrets;
    }

    /** The JSON of registerCluster for {@code dataPlane} under {@code name}, with its agent token and CA. */
    public String registration(String name, KubeApiServer dataPlane) {
        return registration(name, dataPlane, dataPlane.caCert());
    }

    public String registration(String name, KubeApiServer dataPlane, String caCert) {
        return registrationWith(name, dataPlane, caCert, agentToken(dataPlane));
    }

    public String registrationWith(String name, KubeApiServer dataPlane, String caCert, String token) {
        return "{\"name\": \"" + name + "\", \"server\": \"" + dataPlane.url() + "\", \"token\": \"" + token
                + "\", \"caCert\": " + quoted(caCert) + "}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /**
     * The packaged function, caller auth on, given its control-plane credential the way docs/operations.md
     * recommends: fabric8's own environment variables, which Quarkus never prints.
     */
    public FunctionProcess startFunction(String name, Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("KUBERNETES_MASTER", controlPlane().url());
        environment.put("KUBERNETES_CERTS_CA_FILE", controlPlane().caFile().toString());
        environment.put("KUBERNETES_AUTH_TOKEN", functionToken);
        environment.putAll(settings);
        return startFunctionWith(name, environment);
    }

    /** The packaged function with exactly these settings (environment variables) on top of a clean environment. */
    public FunctionProcess startFunctionWith(String name, Map<String, String> environment) throws Exception {
        Map<String, String> all = new HashMap<>(cleanEnvironment());
        all.putAll(environment);
        Path log = servers.workDir("functions").resolve(name + ".log");
        FunctionProcess function = FunctionProcess.start(FunctionProcess.packagedJar(), all, List.of(), log);
        function.awaitLive(Duration.ofSeconds(60));
        return function;
    }

    /** Nothing from the developer's machine: no kubeconfig, no in-cluster account, auth on. */
    private static Map<String, String> cleanEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("KUBECONFIG", null);
        environment.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        environment.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        environment.put("MESHNS_AUTH_ENABLED", "true");
        environment.put("MESHNS_AUTH_CACHE_TTL", "1s");
        return environment;
    }

    /** Creates a namespace with exactly {@code labels} (none at all when empty, as Kubernetes 1.20 makes them). */
    public static void createNamespace(KubeApiServer server, String name, Map<String, String> labels) {
        server.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .withLabels(labels.isEmpty() ? null : labels).endMetadata().build()).create();
    }

    /** A namespace's labels as the server has them: {} when it has none, null when it does not exist. */
    public static Map<String, String> labels(KubeApiServer server, String name) {
        var namespace = server.admin().namespaces().withName(name).get();
        if (namespace == null) {
            return null;
        }
        return namespace.getMetadata().getLabels() == null ? Map.of() : namespace.getMetadata().getLabels();
    }
}
