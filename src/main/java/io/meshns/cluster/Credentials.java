package io.meshns.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshns.error.MeshException;

/**
 * A data-plane cluster's credentials: a bearer token, a CA certificate, or a whole kubeconfig.
 * Lives only in a Secret and in the client built from it; {@link #toString()} never shows it.
 */
public record Credentials(String token, String caCert, String kubeconfig) {

    static final String TOKEN = "token";
    static final String CA_CERT = "ca.crt";
    static final String KUBECONFIG = "kubeconfig";

    /** What kind of credentials these are, safe to show: token, kubeconfig or none. */
    public String kind() {
        if (kubeconfig != null) {
            return "kubeconfig";
        }
        return token != null ? "token" : "none";
    }

    /** Secret data, base64-encoded as the API stores it. */
    public Map<String, String> toSecretData() {
        Map<String, String> data = new LinkedHashMap<>();
        put(data, TOKEN, token);
        put(data, CA_CERT, caCert);
        put(data, KUBECONFIG, kubeconfig);
        return data;
    }

    public static Credentials fromSecret(Secret secret) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        Map<String, String> plain = secret.getStringData() == null ? Map.of() : secret.getStringData();
        return new Credentials(read(data, plain, TOKEN), read(data, plain, CA_CERT), read(data, plain, KUBECONFIG));
    }

    /**
     * Rejects a kubeconfig that would make meshns run a program (exec, auth-provider) or read a
     * file of its own machine: a registered cluster must carry its credentials inline.
     */
    public static void requireSafeKubeconfig(String kubeconfig) {
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = new KubernetesSerialization().unmarshal(kubeconfig, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            throw MeshException.badRequest("invalid-kubeconfig", "'kubeconfig' is not a kubeconfig document (YAML or JSON)");
        }
        if (parsed == null || parsed.getClusters() == null || parsed.getClusters().isEmpty()) {
            throw MeshException.badRequest("invalid-kubeconfig", "'kubeconfig' names no cluster");
        }
        for (NamedCluster cluster : list(parsed.getClusters())) {
            Cluster c = cluster.getCluster();
            if (c != null && c.getCertificateAuthority() != null) {
                throw unsafe("cluster " + cluster.getName() + " reads certificate-authority from a file; use certificate-authority-data");
            }
        }
        for (NamedAuthInfo user : list(parsed.getUsers())) {
            AuthInfo auth = user.getUser();
            if (auth == null) {
                continue;
            }
            if (auth.getExec() != null || auth.getAuthProvider() != null) {
                throw unsafe("user " + user.getName() + " runs a credential plugin (exec or auth-provider); give a token instead");
            }
            if (auth.getTokenFile() != null || auth.getClientCertificate() != null || auth.getClientKey() != null) {
                throw unsafe("user " + user.getName() + " reads credentials from files; inline them (token, client-certificate-data, client-key-data)");
            }
        }
    }

    @Override
    public String toString() {
        return "Credentials[" + kind() + "]";
    }

    private static MeshException unsafe(String why) {
        return MeshException.badRequest("unsafe-kubeconfig", "'kubeconfig' cannot be used: " + why);
    }

    private static <T> List<T> list(List<T> items) {
        return items == null ? List.of() : items;
    }

    private static void put(Map<String, String> data, String key, String value) {
        if (value != null) {
            data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String read(Map<String, String> data, Map<String, String> plain, String key) {
        String encoded = data.get(key);
        if (encoded != null) {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        return plain.get(key);
    }
}
