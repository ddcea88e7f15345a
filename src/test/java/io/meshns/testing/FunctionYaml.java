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
        List<?> env = (List<?>) at(service(), "spec", "template", "spec", "containers", "0", "env");
        return env.stream().map(Map.class::cast).filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")))
                .map(e -> Arrays.asList(((String) e.get("value")).trim().split("\\s+"))).findFirst()
                .orElseThrow(() -> new AssertionError("no JAVA_TOOL_OPTIONS in the container's env"));
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
