package io.meshns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.meshns.function.ClusterFunctions;
import io.meshns.function.DescribeFunction;
import io.meshns.function.InjectionFunctions;
import io.meshns.function.NamespaceFunctions;
import io.meshns.function.ReconcileFunction;
import io.meshns.function.RevisionsFunction;
import io.meshns.function.RestartFunction;
import io.meshns.mock.MockApiServer;
import io.meshns.testing.FunctionProcess;
import io.meshns.testing.FunctionYaml;
import io.quarkus.funqy.Funq;

/** function.yaml deploys what the code serves, with least privilege, and kubectl accepts it. */
class FunctionYamlTest {

    private static final Path FUNCTION_YAML = FunctionYaml.PATH;

    private static List<HasMetadata> objects() {
        return FunctionYaml.objects();
    }

    private static List<HasMetadata> ofKind(List<HasMetadata> objects, String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    private static Object at(GenericKubernetesResource resource, String... path) {
        return FunctionYaml.at(resource, path);
    }

    @Test
    void everyObjectAUserNeedsIsThere() throws IOException {
        List<HasMetadata> objects = objects();
        Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("Broker", "ClusterRole", "ClusterRoleBinding", "Namespace", "PingSource", "Role",
                "RoleBinding", "Service", "ServiceAccount", "Trigger")), kinds);
        HasMetadata service = ofKind(objects, "Service").get(0);
        assertEquals("serving.knative.dev/v1", service.getApiVersion());
        assertEquals("meshns", service.getMetadata().getName());
        GenericKubernetesResource knative = (GenericKubernetesResource) service;
        assertEquals("meshns", at(knative, "spec", "template", "spec", "serviceAccountName"));
        assertEquals("/q/health/ready", at(knative, "spec", "template", "spec", "containers", "0", "readinessProbe", "httpGet", "path"));
        assertEquals("/q/health/live", at(knative, "spec", "template", "spec", "containers", "0", "livenessProbe", "httpGet", "path"));
    }

    /**
     * The JVM in the container: half its 512 MiB as heap, and the parallel collector, not the serial
     * one a JVM picks for itself in under 1,792 MB. Checked with a real JVM given the container's
     * view ({@code -XX:MaxRAM}) and its ergonomics ({@code -XX:+NeverActAsServerClassMachine}).
     */
    @Test
    void theContainersJvmHasHalfItsMemoryAsHeapAndTheParallelCollector() throws Exception {
        assertEquals("512Mi", FunctionYaml.memoryLimit());
        List<String> flags = new ArrayList<>(FunctionYaml.containerJvmFlags());
        flags.add("-XX:+NeverActAsServerClassMachine");

        Map<String, String> pinned = finalJvmFlags(flags);
        assertEquals(String.valueOf(256L * 1024 * 1024), pinned.get("MaxHeapSize"));
        assertEquals("true", pinned.get("UseParallelGC"));
        assertEquals("false", pinned.get("UseSerialGC"));
        assertEquals("true", pinned.get("ExitOnOutOfMemoryError"));
        // What the pinning is for: the same JVM, left to choose, takes the serial collector and a quarter.
        Map<String, String> chosen = finalJvmFlags(List.of("-XX:MaxRAM=512m", "-XX:+NeverActAsServerClassMachine"));
        assertEquals("true", chosen.get("UseSerialGC"));
        assertEquals(String.valueOf(128L * 1024 * 1024), chosen.get("MaxHeapSize"));
    }

    /** The container meets the restricted Pod Security Standard, with fields Knative Serving accepts. */
    @Test
    void theContainerRunsAsAnUnprivilegedUser() {
        Map<?, ?> context = (Map<?, ?>) FunctionYaml.at(FunctionYaml.service(), "spec", "template", "spec", "containers", "0",
                "securityContext");
        assertEquals(Boolean.TRUE, context.get("runAsNonRoot"));
        assertEquals(Boolean.FALSE, context.get("allowPrivilegeEscalation"));
        assertEquals(Map.of("drop", List.of("ALL")), context.get("capabilities"));
        assertEquals(Map.of("type", "RuntimeDefault"), context.get("seccompProfile"));
    }

    /** The flags a JVM (this test's) settles on with {@code flags}: -XX:+PrintFlagsFinal, by name. */
    private static Map<String, String> finalJvmFlags(List<String> flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(FunctionProcess.javaExecutable());
        command.addAll(flags);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Only the flags given: none a JVM would also take from this machine's environment.
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "java -version did not end");
        assertEquals(0, process.exitValue(), output);
        Map<String, String> values = new java.util.HashMap<>();
        for (String line : output.split("\n")) {
            // "     bool UseSerialGC                              = true                                      {product} {ergonomic}"
            String[] words = line.trim().split("\\s+");
            if (words.length >= 4 && words[2].equals("=")) {
                values.put(words[1], words[3]);
            }
        }
        return values;
    }

    @Test
    void rbacIsLeastPrivilege() throws IOException {
        List<HasMetadata> objects = objects();
        // The function's own rights: the roles bound to its ServiceAccount.
        List<HasMetadata> own = boundTo(objects, "meshns-system", "meshns");
        List<ClusterRole> clusterRoles = own.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).toList();
        assertEquals(1, clusterRoles.size());
        Map<String, Set<String>> cluster = rules(clusterRoles.get(0).getRules());
        assertEquals(Map.of(
                "/namespaces", Set.of("get", "list", "create", "delete", "patch", "update"),
                "authentication.k8s.io/tokenreviews", Set.of("create"),
                "authorization.k8s.io/subjectaccessreviews", Set.of("create")), cluster);

        List<Role> roles = own.stream().filter(Role.class::isInstance).map(Role.class::cast).toList();
        assertEquals(2, roles.size());
        Role role = roles.get(0);
        assertEquals("meshns-system", role.getMetadata().getNamespace());
        Map<String, Set<String>> state = rules(role.getRules());
        assertEquals(Set.of("/configmaps", "/secrets", "/events"), state.keySet());
        assertEquals(Set.of("create"), state.get("/events"));
        assertFalse(state.values().stream().anyMatch(verbs -> verbs.contains("*")));

        // History's Events about Namespaces live in "default": meshns may create Events there, nothing more.
        Role history = roles.get(1);
        assertEquals("default", history.getMetadata().getNamespace());
        assertEquals(Map.of("/events", Set.of("create")), rules(history.getRules()));
    }

    /** What each function needs in the control plane, as the table "Who may call" of docs/reference.md says. */
    private static final Map<String, Set<String>> FUNCTION_RIGHTS = Map.ofEntries(
            Map.entry("createNamespace", Set.of("create namespaces")),
            Map.entry("getNamespace", Set.of("get namespaces")),
            Map.entry("listNamespaces", Set.of("list namespaces")),
            Map.entry("deleteNamespace", Set.of("delete namespaces")),
            Map.entry("describeMesh", Set.of("list namespaces", "get namespaces")),
            Map.entry("describeRevisions", Set.of("list namespaces")),
            Map.entry("migrateRevision", Set.of("patch namespaces")),
            Map.entry("enableInjection", Set.of("patch namespaces")),
            Map.entry("disableInjection", Set.of("patch namespaces")),
            Map.entry("removeInjection", Set.of("patch namespaces")),
            Map.entry("enableAmbient", Set.of("patch namespaces")),
            Map.entry("reconcile", Set.of("create meshns.io/reconciles")),
            Map.entry("registerCluster", Set.of("create secrets -n meshns-system")),
            Map.entry("updateCluster", Set.of("create secrets -n meshns-system")),
            Map.entry("deregisterCluster", Set.of("delete secrets -n meshns-system")),
            Map.entry("listClusters", Set.of("list configmaps -n meshns-system")),
            Map.entry("restartWorkloads", Set.of("patch apps/deployments")));

    /**
     * With Knative's OIDC sender authentication each Trigger's events come with a token of the
     * Trigger's own ServiceAccount, and the PingSource's with its own: function.yaml grants each
     * exactly what the function its events invoke needs, and nobody else anything through those roles.
     */
    @Test
    void eachEventActsWithExactlyItsFunctionsRights() {
        List<HasMetadata> objects = objects();
        Set<String> identities = new TreeSet<>();
        for (HasMetadata trigger : ofKind(objects, "Trigger")) {
            String type = (String) at((GenericKubernetesResource) trigger, "spec", "filter", "attributes", "type");
            String function = type.substring("meshns.".length());
            String account = FunctionYaml.oidcServiceAccount(trigger);
            assertEquals(trigger.getMetadata().getName() + "-oidc-eventing.knative.dev-trigger", account);
            assertEquals(FUNCTION_RIGHTS.get(function), grants(objects, "meshns-system", account), account);
            identities.add(account);
        }
        assertEquals(FUNCTION_RIGHTS.keySet().size(), identities.size(), "one Trigger per function of the table");

        HasMetadata ping = ofKind(objects, "PingSource").get(0);
        String account = FunctionYaml.oidcServiceAccount(ping);
        assertEquals("meshns-reconcile-oidc-sources.knative.dev-pingsource", account);
        assertEquals(Set.of("create meshns.io/reconciles"), grants(objects, "meshns-system", account));
        identities.add(account);

        // Every other subject of a binding is the function itself.
        for (HasMetadata binding : objects) {
            List<Subject> subjects = binding instanceof ClusterRoleBinding crb ? crb.getSubjects()
                    : binding instanceof RoleBinding rb ? rb.getSubjects() : List.of();
            for (Subject subject : subjects) {
                assertEquals("ServiceAccount", subject.getKind());
                assertEquals("meshns-system", subject.getNamespace());
                assertTrue(subject.getName().equals("meshns") || identities.contains(subject.getName()),
                        binding.getMetadata().getName() + " binds " + subject.getName());
            }
        }
    }

    /** Knative sends its OIDC tokens for the audience a destination names: the one meshns accepts. */
    @Test
    void everyDeliveryNamesTheAudienceMeshnsAccepts() {
        assertEquals("meshns", FunctionYaml.containerEnv("MESHNS_AUTH_AUDIENCES"));
        List<HasMetadata> objects = objects();
        for (HasMetadata trigger : ofKind(objects, "Trigger")) {
            assertEquals("meshns", at((GenericKubernetesResource) trigger, "spec", "subscriber", "audience"),
                    trigger.getMetadata().getName());
        }
        assertEquals("meshns", at((GenericKubernetesResource) ofKind(objects, "PingSource").get(0), "spec", "sink", "audience"));
    }

    /**
     * The Knative kinds, which a bare kube-apiserver does not serve (DeployManifestsIT checks the
     * others there), have what their published schemas and webhooks require.
     */
    @Test
    void theKnativeObjectsHaveTheirRequiredFields() {
        List<HasMetadata> objects = objects();
        for (HasMetadata object : objects) {
            if (object.getApiVersion().contains("knative.dev")) {
                assertEquals("meshns-system", object.getMetadata().getNamespace(), object.getMetadata().getName());
            }
        }
        GenericKubernetesResource service = FunctionYaml.service();
        assertFalse(String.valueOf(at(service, "spec", "template", "spec", "containers", "0", "image")).isBlank());
        for (HasMetadata trigger : ofKind(objects, "Trigger")) {
            GenericKubernetesResource t = (GenericKubernetesResource) trigger;
            assertEquals("eventing.knative.dev/v1", t.getApiVersion());
            assertEquals(ofKind(objects, "Broker").get(0).getMetadata().getName(), at(t, "spec", "broker"));
            assertRefersToTheService(t, "spec", "subscriber", "ref");
        }
        GenericKubernetesResource ping = (GenericKubernetesResource) ofKind(objects, "PingSource").get(0);
        assertEquals("sources.knative.dev/v1", ping.getApiVersion());
        assertRefersToTheService(ping, "spec", "sink", "ref");
    }

    private static void assertRefersToTheService(GenericKubernetesResource resource, String... path) {
        Map<?, ?> ref = (Map<?, ?>) at(resource, path);
        assertEquals(Map.of("apiVersion", "serving.knative.dev/v1", "kind", "Service", "name", "meshns"), ref,
                resource.getMetadata().getName());
    }

    /** The roles bound to ServiceAccount {@code namespace/name}. */
    private static List<HasMetadata> boundTo(List<HasMetadata> objects, String namespace, String name) {
        List<HasMetadata> roles = new ArrayList<>();
        for (HasMetadata object : objects) {
            String kind;
            String role;
            List<Subject> subjects;
            String bindingNamespace = object.getMetadata().getNamespace();
            if (object instanceof ClusterRoleBinding binding) {
                kind = binding.getRoleRef().getKind();
                role = binding.getRoleRef().getName();
                subjects = binding.getSubjects();
            } else if (object instanceof RoleBinding binding) {
                kind = binding.getRoleRef().getKind();
                role = binding.getRoleRef().getName();
                subjects = binding.getSubjects();
            } else {
                continue;
            }
            if (subjects.stream().noneMatch(s -> "ServiceAccount".equals(s.getKind()) && name.equals(s.getName())
                    && namespace.equals(s.getNamespace()))) {
                continue;
            }
            HasMetadata found = objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(role)
                    && (kind.equals("ClusterRole") || bindingNamespace.equals(o.getMetadata().getNamespace())))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(object.getMetadata().getName() + " binds a missing " + kind));
            roles.add(found);
        }
        return roles;
    }

    /**
     * What ServiceAccount {@code namespace/name} may do through function.yaml, as kubectl auth can-i
     * would say it: "patch namespaces", or "create secrets -n meshns-system" for a Role's rule.
     */
    private static Set<String> grants(List<HasMetadata> objects, String namespace, String name) {
        Set<String> grants = new TreeSet<>();
        for (HasMetadata role : boundTo(objects, namespace, name)) {
            List<PolicyRule> rules = role instanceof ClusterRole cr ? cr.getRules() : ((Role) role).getRules();
            String scope = role instanceof Role ? " -n " + role.getMetadata().getNamespace() : "";
            rules(rules).forEach((resource, verbs) -> verbs.forEach(verb -> grants.add(verb + " "
                    + (resource.startsWith("/") ? resource.substring(1) : resource) + scope)));
        }
        return grants;
    }

    private static Map<String, Set<String>> rules(List<PolicyRule> rules) {
        Map<String, Set<String>> byResource = new java.util.TreeMap<>();
        for (PolicyRule rule : rules) {
            assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    assertFalse(resource.equals("*") || group.equals("*"), "no wildcards");
                    byResource.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return byResource;
    }

    @Test
    void everyFunctionHasAnEventTypeAndATrigger() throws IOException {
        Set<String> functions = new TreeSet<>();
        for (Class<?> type : List.of(NamespaceFunctions.class, InjectionFunctions.class, ClusterFunctions.class,
                ReconcileFunction.class, DescribeFunction.class, RevisionsFunction.class,
                RestartFunction.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Funq.class)) {
                    functions.add(method.getName());
                }
            }
        }
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/knative/resources/META-INF/microprofile-config.properties"))) {
            config.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Set<String> triggerTypes = ofKind(objects(), "Trigger").stream()
                .map(t -> (String) at((GenericKubernetesResource) t, "spec", "filter", "attributes", "type"))
                .collect(Collectors.toCollection(TreeSet::new));
        for (String function : functions) {
            String type = config.getProperty("quarkus.funqy.knative-events.mapping." + function + ".trigger");
            assertTrue(type != null, function + " has no CloudEvent type in microprofile-config.properties");
            if (function.equals("reconcileOnSchedule")) {
                assertEquals("dev.knative.sources.ping", type);
                continue;
            }
            assertEquals("meshns." + function, type);
            assertTrue(triggerTypes.contains(type), "function.yaml has no Trigger for " + type);
            assertEquals("meshns." + function + ".result",
                    config.getProperty("quarkus.funqy.knative-events.mapping." + function + ".response-type"));
        }
        assertEquals(functions.size() - 1, triggerTypes.size(), "one Trigger per function, no more");
    }

    @Test
    void aPingSourceRunsReconcile() throws IOException {
        GenericKubernetesResource ping = (GenericKubernetesResource) ofKind(objects(), "PingSource").get(0);
        assertEquals("meshns", at(ping, "spec", "sink", "ref", "name"));
        assertEquals("{}", at(ping, "spec", "data"));
        assertEquals("application/json", at(ping, "spec", "contentType"));
        assertTrue(String.valueOf(at(ping, "spec", "schedule")).split(" ").length == 5);
    }

    /** kubectl apply --dry-run=client against an API server that knows the Knative kinds. */
    @Test
    void kubectlAcceptsIt() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed");
        try (MockApiServer server = MockApiServer.start()) {
            Path home = Files.createTempDirectory("kubectl-home");
            Process kubectl = new ProcessBuilder("kubectl", "--server", server.url(), "--cache-dir", home.toString(),
                    "apply", "--dry-run=client", "--validate=false", "-f", FUNCTION_YAML.toString())
                    .redirectErrorStream(true).start();
            assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
            String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, kubectl.exitValue(), output);
            assertTrue(output.contains("service.serving.knative.dev/meshns created (dry run)"), output);
            assertTrue(output.contains("pingsource.sources.knative.dev/meshns-reconcile created (dry run)"), output);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
