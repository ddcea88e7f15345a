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

    /** A verb on a resource in meshns' state namespace, e.g. create secrets there. */
    public static Permission inStateNamespace(String verb, String resource, String stateNamespace) {
        return new Permission(verb, "", resource, stateNamespace, null);
    }

    /** How kubectl auth can-i would say it: "patch namespaces/shop", "create secrets -n meshns-system". */
    public String describe() {
        return verb + " " + resource + (name == null ? "" : "/" + name) + (namespace == null ? "" : " -n " + namespace);
    }
}
