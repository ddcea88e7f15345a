package io.meshns.mesh;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one injection change did (or, in a dry run, would do) in one data-plane cluster;
 * {@code wanted}, where shown, is the injection that cluster should have (its own setting, or the
 * mesh-wide one), in the state's words; {@code restart}, the pods there that the change leaves to
 * restart (absent when they could not be listed).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Outcome(String cluster, Result outcome, String message, String wanted, RestartImpact restart) {

    /** A message is mostly a cluster's own words: never longer than a KiB, never with a control character. */
    public Outcome {
        message = UntrustedText.clean(message);
    }

    public Outcome(String cluster, Result outcome, String message) {
        this(cluster, outcome, message, null, null);
    }

    public Outcome(String cluster, Result outcome, String message, String wanted) {
        this(cluster, outcome, message, wanted, null);
    }

    public Outcome withWanted(Injection injection) {
        return new Outcome(cluster, outcome, message, injection == null ? null : injection.encode(), restart);
    }

    public Outcome withRestart(RestartImpact impact) {
        return new Outcome(cluster, outcome, message, wanted, impact);
    }

    /** The same outcome, its message followed by {@code note} (e.g. what could not be verified). */
    public Outcome withNote(String note) {
        return note == null ? this
                : new Outcome(cluster, outcome, message == null ? note : message + "; " + note, wanted, restart);
    }

    public enum Result {
        /** This call changed the labels there. */
        @JsonProperty("applied")
        APPLIED,
        /** The labels were already as wanted. */
        @JsonProperty("unchanged")
        UNCHANGED,
        /** That cluster has no namespace of that name; nothing is created there. */
        @JsonProperty("absent")
        ABSENT,
        /** Unreachable, timed out, refused or rejected. */
        @JsonProperty("failed")
        FAILED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The result named by {@code word}, or null for a word that names none. */
        public static Result ofWord(String word) {
            for (Result result : values()) {
                if (result.word().equals(word)) {
                    return result;
                }
            }
            return null;
        }

        /** True when the cluster holds the wanted labels (or has nothing to hold them). */
        public boolean inSync() {
            return this != FAILED;
        }
    }

    public static Outcome applied(String cluster) {
        return new Outcome(cluster, Result.APPLIED, null);
    }

    public static Outcome unchanged(String cluster) {
        return new Outcome(cluster, Result.UNCHANGED, null);
    }

    public static Outcome absent(String cluster) {
        return new Outcome(cluster, Result.ABSENT, null);
    }

    public static Outcome failed(String cluster, String message) {
        return new Outcome(cluster, Result.FAILED, message);
    }
}
