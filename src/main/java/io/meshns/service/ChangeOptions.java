package io.meshns.service;

import io.meshns.auth.Access;

/**
 * How a caller asked for a change: {@code dryRun} (check everything, write nothing), {@code force}
 * (skip the injector precheck), and who asked ({@code by}, for history).
 */
public record ChangeOptions(boolean dryRun, boolean force, String by) {

    /** A plain change, by nobody known (tests, and callers of the v1 signatures). */
    public static final ChangeOptions NONE = new ChangeOptions(false, false, Access.ANONYMOUS);
}
