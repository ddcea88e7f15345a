package io.meshns.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshns.error.ErrorCode;

/**
 * Kubernetes label selector syntax ("team=a,tier!=gold,env in (dev,prod),!legacy"), checked before
 * a LIST so that a mistake is a 400 that says where, whatever the API server does with it.
 */
public final class LabelSelectors {

    private static final Pattern EQUALITY = Pattern.compile("([^\\s=!(),]+)\\s*(==|!=|=)\\s*([^\\s=!(),]*)");
    private static final Pattern SET = Pattern.compile("([^\\s=!(),]+)\\s+(in|notin)\\s*\\(([^()]*)\\)");
    private static final Pattern EXISTS = Pattern.compile("(!?)\\s*([^\\s=!(),]+)");

    private LabelSelectors() {
    }

    /** Returns null when {@code selector} is valid, otherwise what is wrong with it. */
    public static String problemWith(String selector) {
        for (String term : terms(selector)) {
            String problem = problemWithTerm(term.trim());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    public static String requireValid(String selector) {
        if (selector != null && !selector.isBlank()) {
            String problem = problemWith(selector);
            if (problem != null) {
                throw ErrorCode.INVALID_LABEL_SELECTOR.error("'labelSelector' \"" + selector + "\": " + problem
                        + "; e.g. \"team=a,tier!=gold,env in (dev,prod),!legacy\"");
            }
        }
        return selector;
    }

    private static String problemWithTerm(String term) {
        Matcher m;
        if ((m = SET.matcher(term)).matches()) {
            String problem = keyProblem(m.group(1));
            for (String value : m.group(3).split(",", -1)) {
                problem = problem != null ? problem : valueProblem(value.trim());
            }
            return problem;
        }
        if ((m = EQUALITY.matcher(term)).matches()) {
            String problem = keyProblem(m.group(1));
            return problem != null ? problem : valueProblem(m.group(3));
        }
        if ((m = EXISTS.matcher(term)).matches()) {
            return keyProblem(m.group(2));
        }
        return "\"" + term + "\" is not a requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))";
    }

    private static String keyProblem(String key) {
        String problem = Labels.problemWithKey(key);
        return problem == null ? null : "key \"" + key + "\" " + problem;
    }

    private static String valueProblem(String value) {
        String problem = Labels.problemWithValue(value);
        return problem == null ? null : "value \"" + value + "\" " + problem;
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
