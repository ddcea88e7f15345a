package io.meshns.mesh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.Set;

/**
 * The sidecar-injection state of a namespace, read from and written as Istio's namespace labels.
 * Pure: no I/O, so the label rules can be tested as a table.
 */
public record Injection(Mode mode, String revision) {

    public static final String INJECTION_LABEL = "istio-injection";
    public static final String REVISION_LABEL = "istio.io/rev";

    public static final Injection ENABLED = new Injection(Mode.ENABLED, null);
    public static final Injection DISABLED = new Injection(Mode.DISABLED, null);
    public static final Injection UNSET = new Injection(Mode.UNSET, null);

    public enum Mode {
        ENABLED, DISABLED, UNSET;

        /** The word used in answers and in state: enabled, disabled, unset. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
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
     * What Istio's injector makes of these namespace labels, in its order of precedence.
     */
    public static Injection fromLabels(Map<String, String> labels) {
        Map<String, String> safe = labels == null ? Map.of() : labels;
        String injection = safe.get(INJECTION_LABEL);
        // istio-injection wins over istio.io/rev; any value but "enabled" means no injection.
        if (injection != null) {
            return "enabled".equals(injection) ? ENABLED : DISABLED;
        }
        String revision = safe.get(REVISION_LABEL);
        if (revision != null) {
            return revision(revision);
        }
        return UNSET;
    }

    /** The Istio labels a namespace ends with; keys absent here must be absent there. */
    public Map<String, String> wantedLabels() {
        return switch (mode) {
            case ENABLED -> revision == null ? Map.of(INJECTION_LABEL, "enabled") : Map.of(REVISION_LABEL, revision);
            case DISABLED -> Map.of(INJECTION_LABEL, "disabled");
            case UNSET -> Map.of();
        };
    }

    /** The smallest change that turns {@code current} labels into ones with exactly the wanted Istio labels. */
    public LabelChange changeFrom(Map<String, String> current) {
        Map<String, String> safe = current == null ? Map.of() : current;
        Map<String, String> wanted = wantedLabels();
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new TreeSet<>();
        for (String key : new String[] { INJECTION_LABEL, REVISION_LABEL }) {
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

    /** A compact form for state ConfigMaps: enabled, disabled, unset or rev:NAME. */
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
