package io.meshns.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** function.yaml, the deployment users apply, as tests and the benchmark read it. */
public final class FunctionYaml {

    public static final Path PATH = Path.of("function.yaml");

    private FunctionYaml() {
    }

    /** The data-plane agent's RBAC, as a cluster admin applies it to each data-plane cluster. */
    public static final Path DATA_PLANE_AGENT = Path.of("deploy", "data-plane-agent.yaml");

    /** The optional rights of the agent to restart workloads (restartWorkloads only). */
    public static final Path DATA_PLANE_AGENT_RESTART = Path.of("deploy", "data-plane-agent-restart.yaml");

    /** Every object in it, in order. */
    public static List<HasMetadata> objects() {
        return objects(PATH);
    }

    /** Every object in a manifest file, in order. */
    public static List<HasMetadata> objects(Path file) {
        try {
            Object parsed = new KubernetesSerialization().unmarshal(Files.readString(file));
            List<HasMetadata> objects = new ArrayList<>();
            if (parsed instanceof List<?> list) {
                list.forEach(o -> objects.add((HasMetadata) o));
            } else {
                objects.add((HasMetadata) parsed);
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The ServiceAccount Knative Eventing makes for a Trigger's or a source's OIDC identity when the
     * authentication-oidc feature is on: {@code <name>-oidc-<group>-<kind>}, lower case (its
     * status.auth.serviceAccountName). Longer than 63 characters, Knative would shorten it with a hash:
     * refused here, so function.yaml can name the account as it is.
     */
    public static String oidcServiceAccount(HasMetadata sender) {
        String group = sender.getApiVersion().substring(0, sender.getApiVersion().indexOf('/'));
        String name = (sender.getMetadata().getName() + "-oidc-" + group + "-" + sender.getKind())
                .toLowerCase(java.util.Locale.ROOT);
        if (name.length() > 63) {
            throw new AssertionError(sender.getKind() + " " + sender.getMetadata().getName()
                    + ": its OIDC ServiceAccount name is over 63 characters, which Knative shortens with a hash: " + name);
        }
        return name;
    }

    /** The value at {@code path} (keys, and indexes of lists) in a resource fabric8 has no model for. */
    public static Object at(GenericKubernetesResource resource, String... path) {
        Object node = resource.getAdditionalProperties();
        for (String key : path) {
            node = node instanceof Map<?, ?> map ? map.get(key) : node instanceof List<?> list ? list.get(Integer.parseInt(key)) : null;
        }
        return node;
    }

    /** The function's container in the Knative Service. */
    public static GenericKubernetesResource service() {
        return (GenericKubernetesResource) objects().stream().filter(o -> o.getKind().equals("Service")).findFirst()
                .orElseThrow(() -> new AssertionError("no Knative Service in " + PATH));
    }

    /** The container's memory limit, as written ("512Mi"). */
    public static String memoryLimit() {
        return (String) at(service(), "spec", "template", "spec", "containers", "0", "resources", "limits", "memory");
    }

    /** The container's JAVA_TOOL_OPTIONS, split at spaces. */
    public static List<String> javaToolOptions() {
        return Arrays.asList(containerEnv("JAVA_TOOL_OPTIONS").trim().split("\\s+"));
    }

    /** The value of one environment variable of the container. */
    public static String containerEnv(String name) {
        List<?> env = (List<?>) at(service(), "spec", "template", "spec", "containers", "0", "env");
        return env.stream().map(Map.class::cast).filter(e -> name.equals(e.get("name"))).map(e -> (String) e.get("value"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in the container's env"));
    }

    /**
     * The JVM flags that make a JVM on any machine size itself as in the container: its memory limit
     * as {@code -XX:MaxRAM} (the JVM reads the limit from cgroups there), then JAVA_TOOL_OPTIONS.
     */
    public static List<String> containerJvmFlags() {
        String limit = memoryLimit();
        if (!limit.endsWith("Mi")) {
            throw new AssertionError("memory limit not in Mi: " + limit);
        }
        List<String> flags = new ArrayList<>();
        flags.add("-XX:MaxRAM=" + limit.substring(0, limit.length() - 2) + "m");
        flags.addAll(javaToolOptions());
        return flags;
    }
}
