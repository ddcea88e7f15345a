package io.meshns.auth;

import java.util.List;
import java.util.Map;

/** Who is calling, as the control plane's TokenReview says. */
public record Caller(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
}
