package io.meshns.auth;

/**
 * The Kubernetes action a function call amounts to, checked against the control plane's RBAC: a
 * caller who may not do it with kubectl may not do it through meshns either.
 */
public record Permission(String verb, String group, String resource, String namespace, String name) {

    /** A verb on the cluster-scoped namespaces resource, e.g. patch namespaces "shop". */
    public static Permission namespaces(String verb, String name) {
        return new Permission(verb, "", "namespaces", null, name);
    }

    /** A verb on Deployments in one namespace, e.g. patch deployments.apps -n shop: what a rollout restart takes. */
    public static Permission deployments(String verb, String namespace) {
        return new Permission(verb, "apps", "deployments", namespace, null);
    }

    /** A verb on a resource in meshns' state namespace, e.g. create secrets there. */
    public static Permission inStateNamespace(String verb, String resource, String stateNamespace) {
        return new Permission(verb, "", resource, stateNamespace, null);
    }

    /**
     * The right to ask for repairs and nothing else: reconcile only re-applies what meshns already
     * records as wanted, so a scheduler may be granted it without the right to change what is wanted.
     * RBAC takes rules for a resource no API serves: {@code create reconciles.meshns.io}.
     */
    public static Permission reconciles() {
        return new Permission("create", "meshns.io", "reconciles", null, null);
    }

    /** How kubectl auth can-i would say it: "patch namespaces/shop", "create secrets -n meshns-system". */
    public String describe() {
        return verb + " " + resource + (group.isEmpty() ? "" : "." + group) + (name == null ? "" : "/" + name) + (namespace == null ? "" : " -n " + namespace);
    }
}
