package io.meshns.mesh;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.Set;

/**
 * The data-plane mode of a namespace (sidecar injection or ambient), read from and written as
 * Istio's three namespace labels. Pure: no I/O, so the label rules can be tested as a table.
 */
public record Injection(Mode mode, String revision) {

    public static final String INJECTION_LABEL = "istio-injection";
    public static final String REVISION_LABEL = "istio.io/rev";
    public static final String DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";
    /** The only keys meshns ever writes, in a data plane or the control plane. */
    public static final List<String> KEYS = List.of(INJECTION_LABEL, REVISION_LABEL, DATAPLANE_MODE_LABEL);

    public static final Injection ENABLED = new Injection(Mode.ENABLED, null);
    public static final Injection DISABLED = new Injection(Mode.DISABLED, null);
    public static final Injection UNSET = new Injection(Mode.UNSET, null);
    public static final Injection AMBIENT = new Injection(Mode.AMBIENT, null);

    public enum Mode {
        ENABLED, DISABLED, UNSET, AMBIENT;

        // Computed once: describeMesh asks for it in every cell of its matrix.
        private final String word = name().toLowerCase(java.util.Locale.ROOT);

        /** The word used in answers and in state: enabled, disabled, unset, ambient. */
        public String word() {
            return word;
        }
    }

    public Injection {
        Objects.requireNonNull(mode);
        if (revision != null && mode != Mode.ENABLED) {
            throw new IllegalArgumentException("only enabled injection has a revision");
        }
    }

    public static Injection revision(String revision) {
        return new Injection(Mode.ENABLED, revision);
    }

    /**
     * What Istio makes of these namespace labels for a new pod, in its order of precedence.
     */
    public static Injection fromLabels(Map<String, String> labels) {
        Map<String, String> safe = labels == null ? Map.of() : labels;
        // Only "ambient" enrols a namespace in ztunnel; other values (e.g. "none") are ignored at namespace level.
        boolean ambient = "ambient".equals(safe.get(DATAPLANE_MODE_LABEL));
        String injection = safe.get(INJECTION_LABEL);
        // istio-injection wins over istio.io/rev; any value but "enabled" means no sidecar, and a pod
        // without a sidecar in an ambient namespace is captured by ztunnel.
        if (injection != null) {
            return "enabled".equals(injection) ? ENABLED : ambient ? AMBIENT : DISABLED;
        }
        // A sidecar takes precedence over ztunnel for a pod that would have both.
        String revision = safe.get(REVISION_LABEL);
        if (revision != null) {
            return revision(revision);
        }
        return ambient ? AMBIENT : UNSET;
    }

    /** The Istio labels a namespace ends with; keys absent here must be absent there. */
    public Map<String, String> wantedLabels() {
        return switch (mode) {
            case ENABLED -> revision == null ? Map.of(INJECTION_LABEL, "enabled") : Map.of(REVISION_LABEL, revision);
            case DISABLED -> Map.of(INJECTION_LABEL, "disabled");
            case AMBIENT -> Map.of(DATAPLANE_MODE_LABEL, "ambient");
            case UNSET -> Map.of();
        };
    }

    /** The smallest change that turns {@code current} labels into ones with exactly the wanted Istio labels. */
    public LabelChange changeFrom(Map<String, String> current) {
        Map<String, String> safe = current == null ? Map.of() : current;
        Map<String, String> wanted = wantedLabels();
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new TreeSet<>();
        // All three keys: a namespace ends in exactly one mode, with no label of another left behind.
        for (String key : KEYS) {
            String want = wanted.get(key);
            String have = safe.get(key);
            if (want == null && safe.containsKey(key)) {
                remove.add(key);
            } else if (want != null && !want.equals(have)) {
                set.put(key, want);
            }
        }
        return new LabelChange(set, remove);
    }

    /** A compact form for state ConfigMaps and answers: enabled, disabled, unset, ambient or rev:NAME. */
    public String encode() {
        return revision == null ? mode.word() : "rev:" + revision;
    }

    public static Injection decode(String encoded) {
        if (encoded == null) {
            return null;
        }
        if (encoded.startsWith("rev:")) {
            return revision(encoded.substring(4));
        }
        return switch (encoded) {
            case "enabled" -> ENABLED;
            case "disabled" -> DISABLED;
            case "unset" -> UNSET;
            case "ambient" -> AMBIENT;
            default -> null;
        };
    }

    /** A label change limited to Istio's keys: set these values, remove these keys. */
    public record LabelChange(Map<String, String> set, Set<String> remove) {

        public boolean isEmpty() {
            return set.isEmpty() && remove.isEmpty();
        }

        public Map<String, String> applyTo(Map<String, String> labels) {
            Map<String, String> result = new LinkedHashMap<>(labels == null ? Map.of() : labels);
            remove.forEach(result::remove);
            result.putAll(set);
            return result;
        }
    }
}
