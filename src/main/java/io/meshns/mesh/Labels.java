package io.meshns.mesh;

import java.util.Map;
import java.util.regex.Pattern;

import io.meshns.error.ErrorCode;

/** Kubernetes label syntax: qualified keys with an optional DNS-subdomain prefix, and short values. */
public final class Labels {

    private static final int MAX_NAME = 63;
    private static final int MAX_PREFIX = 253;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Labels() {
    }

    /** Returns null when {@code key} is a valid label key, otherwise why it is not. */
    public static String problemWithKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return "has prefix \"" + prefix + "\", which must be a DNS subdomain of at most " + MAX_PREFIX
                        + " characters (lower-case letters, digits, '-' and '.')";
            }
        }
        if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            return "must be at most " + MAX_NAME + " characters of letters, digits, '-', '_' and '.',"
                    + " starting and ending with a letter or digit (after an optional 'prefix/')";
        }
        return null;
    }

    /** Returns null when {@code value} is a valid label value, otherwise why it is not. */
    public static String problemWithValue(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_NAME || !NAME.matcher(value).matches()) {
            return "must be empty or at most " + MAX_NAME + " characters of letters, digits, '-', '_' and '.',"
                    + " starting and ending with a letter or digit";
        }
        return null;
    }

    /** Throws a 400 on the first invalid key or value of {@code labels}. */
    public static Map<String, String> requireValid(Map<String, String> labels) {
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String problem = problemWithKey(label.getKey());
            if (problem != null) {
                throw ErrorCode.INVALID_LABEL.error("label key \"" + label.getKey() + "\" " + problem);
            }
            problem = problemWithValue(label.getValue());
            if (problem != null) {
                throw ErrorCode.INVALID_LABEL.error(
                        "label \"" + label.getKey() + "\" has value \"" + label.getValue() + "\", which " + problem);
            }
        }
        return labels;
    }
}
