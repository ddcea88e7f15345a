package io.meshns.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshns.error.ErrorCode;

/**
 * Kubernetes label selector syntax ("team=a,tier!=gold,env in (dev,prod),!legacy"), checked before
 * a LIST so that a mistake is a 400 that says where, whatever the API server does with it; and
 * matched here, with the API server's semantics, where the labels are not on Kubernetes objects
 * (those of registered clusters).
 */
public final class LabelSelectors {

    private static final Pattern EQUALITY = Pattern.compile("([^\\s=!(),]+)\\s*(==|!=|=)\\s*([^\\s=!(),]*)");
    private static final Pattern SET = Pattern.compile("([^\\s=!(),]+)\\s+(in|notin)\\s*\\(([^()]*)\\)");
    private static final Pattern EXISTS = Pattern.compile("(!?)\\s*([^\\s=!(),]+)");

    private static final String EXAMPLE = "e.g. \"team=a,tier!=gold,env in (dev,prod),!legacy\"";

    private LabelSelectors() {
    }

    /** How one requirement compares a label's value. */
    public enum Operator {
        EXISTS, DOES_NOT_EXIST, EQUALS, NOT_EQUALS, IN, NOT_IN
    }

    /** One comma-separated part of a selector. */
    public record Requirement(String key, Operator operator, Set<String> values) {

        /** As the API server matches: != and notin also select labels without the key. */
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
                case EQUALS, IN -> value != null && values.contains(value);
                case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
            };
        }
    }

    /** A parsed selector: its text as given, and requirements that must all hold. */
    public record Selector(String text, List<Requirement> requirements) {

        public boolean matches(Map<String, String> labels) {
            Map<String, String> given = labels == null ? Map.of() : labels;
            return requirements.stream().allMatch(r -> r.matches(given));
        }
    }

    /** Returns null when {@code selector} is valid, otherwise what is wrong with it. */
    public static String problemWith(String selector) {
        try {
            parse(selector);
            return null;
        } catch (Malformed e) {
            return e.getMessage();
        }
    }

    public static String requireValid(String selector) {
        if (selector != null && !selector.isBlank()) {
            String problem = problemWith(selector);
            if (problem != null) {
                throw ErrorCode.INVALID_LABEL_SELECTOR.error("'labelSelector' \"" + selector + "\": " + problem
                        + "; " + EXAMPLE);
            }
        }
        return selector;
    }

    /**
     * The selector given in {@code field}, parsed; 400 when it is malformed, or blank: a selector
     * that selects everything is said by leaving the field out.
     */
    public static Selector require(String field, String selector) {
        if (selector.isBlank()) {
            throw ErrorCode.INVALID_LABEL_SELECTOR.error("'" + field + "' must not be empty; leave it out to "
                    + "mean every cluster, or give a selector, " + EXAMPLE);
        }
        try {
            return new Selector(selector, parse(selector));
        } catch (Malformed e) {
            throw ErrorCode.INVALID_LABEL_SELECTOR.error("'" + field + "' \"" + selector + "\": "
                    + e.getMessage() + "; " + EXAMPLE);
        }
    }

    private static List<Requirement> parse(String selector) {
        List<Requirement> requirements = new ArrayList<>();
        for (String term : terms(selector)) {
            requirements.add(requirement(term.trim()));
        }
        return requirements;
    }

    private static Requirement requirement(String term) {
        Matcher m;
        if ((m = SET.matcher(term)).matches()) {
            requireKey(m.group(1));
            List<String> values = new ArrayList<>();
            for (String value : m.group(3).split(",", -1)) {
                values.add(requireValue(value.trim()));
            }
            return new Requirement(m.group(1), m.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, Set.copyOf(values));
        }
        if ((m = EQUALITY.matcher(term)).matches()) {
            requireKey(m.group(1));
            return new Requirement(m.group(1), m.group(2).equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS,
                    Set.of(requireValue(m.group(3))));
        }
        if ((m = EXISTS.matcher(term)).matches()) {
            requireKey(m.group(2));
            return new Requirement(m.group(2), m.group(1).isEmpty() ? Operator.EXISTS : Operator.DOES_NOT_EXIST, Set.of());
        }
        throw new Malformed("\"" + term + "\" is not a requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))");
    }

    private static void requireKey(String key) {
        String problem = Labels.problemWithKey(key);
        if (problem != null) {
            throw new Malformed("key \"" + key + "\" " + problem);
        }
    }

    private static String requireValue(String value) {
        String problem = Labels.problemWithValue(value);
        if (problem != null) {
            throw new Malformed("value \"" + value + "\" " + problem);
        }
        return value;
    }

    /** What is wrong with a selector, carried out of the parse to the one place that words the 400. */
    private static final class Malformed extends RuntimeException {

        Malformed(String problem) {
            super(problem, null, false, false);
        }
    }

    /** Splits on the commas that separate requirements, not those inside "in (...)". */
    private static List<String> terms(String selector) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }
}
