package io.meshns.service;

/**
 * How a caller asked for a change: {@code dryRun} (check everything, write nothing), {@code force}
 * (skip the injector precheck), and who asked ({@code by}, for history).
 */
public record ChangeOptions(boolean dryRun, boolean force, String by) {
}
