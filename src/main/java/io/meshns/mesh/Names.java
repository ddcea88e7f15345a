package io.meshns.mesh;

import java.util.regex.Pattern;

import io.meshns.error.ErrorCode;

/** Kubernetes name rules for namespaces and clusters: an RFC 1123 label. */
public final class Names {

    public static final int MAX_LENGTH = 63;
    private static final Pattern RFC_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private Names() {
    }

    /** Returns null when {@code name} is a valid RFC 1123 label, otherwise why it is not. */
    public static String problemWith(String name) {
        if (name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "is " + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed";
        }
        if (!RFC_1123_LABEL.matcher(name).matches()) {
            return "must be an RFC 1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
        }
        return null;
    }

    /** Throws a 400 naming {@code field} when {@code name} is not a valid RFC 1123 label. */
    public static String requireValid(String field, String name) {
        String problem = problemWith(name);
        if (problem != null) {
            throw ErrorCode.INVALID_NAME.error("'" + field + "' value \"" + name + "\" " + problem);
        }
        return name;
    }
}
