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
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.mesh.UntrustedText;

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
     * Rejects credentials that could not be sent as they are: a control character in a token would
     * break (or forge) the Authorization header, and a CA that is not PEM makes every call fail.
     * Nothing of the credential is echoed.
     */
    public void requireWellFormed() {
        if (UntrustedText.hasControlCharacters(token)) {
            throw ErrorCode.INVALID_TOKEN.error("'token' contains a control character (often the "
                    + "trailing newline of a token file: strip it, e.g. with tr -d '\\n', or jq's rtrimstr(\"\\n\"))");
        }
        if (caCert != null) {
            requirePem(caCert);
        }
        if (kubeconfig != null && UntrustedText.hasControlCharacters(kubeconfig.replaceAll("[\\r\\n\\t]", ""))) {
            throw ErrorCode.INVALID_KUBECONFIG.error("'kubeconfig' contains a control character other than "
                    + "line breaks and tabs");
        }
    }

    /** One or more X.509 certificates in PEM, and nothing else. */
    private static void requirePem(String caCert) {
        if (!caCert.contains("-----BEGIN CERTIFICATE-----")
                || UntrustedText.hasControlCharacters(caCert.replaceAll("[\\r\\n\\t]", ""))) {
            throw ErrorCode.INVALID_CA_CERT.error("'caCert' must be the PEM text of the cluster's CA "
                    + "certificate (-----BEGIN CERTIFICATE----- ...), e.g. from kubectl config view --raw");
        }
        try {
            java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(
                    new java.io.ByteArrayInputStream(caCert.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.cert.CertificateException e) {
            throw ErrorCode.INVALID_CA_CERT.error("'caCert' is not a readable PEM certificate");
        }
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
            throw ErrorCode.INVALID_KUBECONFIG.error("'kubeconfig' is not a kubeconfig document (YAML or JSON)");
        }
        if (parsed == null || parsed.getClusters() == null || parsed.getClusters().isEmpty()) {
            throw ErrorCode.INVALID_KUBECONFIG.error("'kubeconfig' names no cluster");
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
            if (UntrustedText.hasControlCharacters(auth.getToken()) || UntrustedText.hasControlCharacters(auth.getPassword())
                    || UntrustedText.hasControlCharacters(auth.getUsername())) {
                throw ErrorCode.INVALID_KUBECONFIG.error("user " + user.getName()
                        + " has a token, user name or password with a control character in it");
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
        return ErrorCode.UNSAFE_KUBECONFIG.error("'kubeconfig' cannot be used: " + why);
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
