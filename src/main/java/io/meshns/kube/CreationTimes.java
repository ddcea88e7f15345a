package io.meshns.kube;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** When the API server created an object: its creationTimestamp, in whole seconds of the API server's clock. */
public final class CreationTimes {

    private CreationTimes() {
    }

    /** The object's creation time; null when it has none that parses. */
    public static Instant of(HasMetadata object) {
        return object == null ? null : of(object.getMetadata());
    }

    /** The creation time in an object's metadata; null when it has none that parses. */
    public static Instant of(ObjectMeta meta) {
        String stamp = meta == null ? null : meta.getCreationTimestamp();
        if (stamp == null) {
            return null;
        }
        try {
            return Instant.parse(stamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * True when {@code object} was created at or after {@code time}, another creationTimestamp of the
     * same API server: both are cut to the same whole seconds of one clock, so an object created
     * later never reads as earlier. An object without a creation time is not known to be later.
     */
    public static boolean atOrAfter(HasMetadata object, Instant time) {
        Instant created = of(object);
        return created != null && time != null && !created.isBefore(time);
    }
}
