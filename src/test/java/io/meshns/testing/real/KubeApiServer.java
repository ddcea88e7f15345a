package io.meshns.testing.real;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * One real kube-apiserver on loopback: TLS with the serving certificate it generates itself,
 * static bearer tokens for a few users, RBAC, and service-account signing keys so that
 * TokenRequest and TokenReview work. Stored in a shared etcd under its own prefix.
 */
public final class KubeApiServer implements AutoCloseable {

    /** Users every server knows by a static token; "admin" is in system:masters, the others have no rights until granted. */
    public static final List<String> USERS = List.of("admin", "alice", "bob", "carol");

    private final String name;
    private final int port;
    private final Path dir;
    private final Process process;
    private final Map<String, String> tokens;
    private KubernetesClient admin;

    private KubeApiServer(String name, int port, Path dir, Process process, Map<String, String> tokens) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.tokens = tokens;
    }

    /** Starts the server; {@link #awaitReady} waits for it. */
    static KubeApiServer start(KubeBinaries binaries, String name, String etcdUrl, Path dir, Path serviceAccountKey)
            throws IOException {
        Files.createDirectories(dir.resolve("certs"));
        Map<String, String> tokens = new LinkedHashMap<>();
        StringBuilder tokenFile = new StringBuilder();
        for (String user : USERS) {
            String token = name + "-" + user + "-" + UUID.randomUUID();
            tokens.put(user, token);
            String groups = user.equals("admin") ? ",\"system:masters\"" : "";
            tokenFile.append(token).append(',').append(user).append(',').append(user).append(groups).append('\n');
        }
        Files.writeString(dir.resolve("tokens.csv"), tokenFile);
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(binaries.kubeApiserver().toString(),
                "--etcd-servers=" + etcdUrl,
                "--etcd-prefix=/" + name,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + port,
                "--insecure-port=0",
                "--cert-dir=" + dir.resolve("certs"),
                "--token-auth-file=" + dir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-key-file=" + serviceAccountKey,
                "--service-account-signing-key-file=" + serviceAccountKey,
                "--service-account-issuer=https://" + name + ".meshns.test",
                "--service-cluster-ip-range=10.0.0.0/24",
                "--enable-priority-and-fairness=false",
                "--profiling=false"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("kube-apiserver.log").toFile()).start();
        return new KubeApiServer(name, port, dir, process, tokens);
    }

    void awaitReady(Duration patience) throws Exception {
        long giveUp = System.nanoTime() + patience.toNanos();
        Path ca = caFile();
        while (!Files.exists(ca) || Files.size(ca) == 0) {
            checkAlive(giveUp);
            Thread.sleep(50);
        }
        admin = client(tokens.get("admin"));
        while (true) {
            checkAlive(giveUp);
            try {
                if ("ok".equals(admin.raw("/readyz"))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // still starting: refused, or 500 while post-start hooks run
            }
            Thread.sleep(100);
        }
    }

    private void checkAlive(long giveUp) throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("kube-apiserver " + name + " exited with " + process.exitValue() + "; its log ends: "
                    + tail(dir.resolve("kube-apiserver.log")));
        }
        if (System.nanoTime() > giveUp) {
            throw new IllegalStateException("kube-apiserver " + name + " was not ready in time; its log ends: "
                    + tail(dir.resolve("kube-apiserver.log")));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    public String name() {
        return name;
    }

    /** https://127.0.0.1:PORT */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    /** The CA that signed the server's certificate (the file holds the serving certificate and its CA). */
    public Path caFile() {
        return dir.resolve("certs").resolve("apiserver.crt");
    }

    public String caCert() {
        try {
            return Files.readString(caFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The static bearer token of one of {@link #USERS}. */
    public String token(String user) {
        String token = tokens.get(user);
        if (token == null) {
            throw new IllegalArgumentException("no static user " + user + "; users are " + USERS);
        }
        return token;
    }

    /** Every static token this server knows: none of them may ever show up in meshns' log. */
    public List<String> tokens() {
        return List.copyOf(tokens.values());
    }

    /** A cluster-admin client (system:masters). */
    public KubernetesClient admin() {
        return admin;
    }

    /** A client that verifies the server's certificate and sends {@code token}. */
    public KubernetesClient client(String token) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withCaCertFile(caFile().toString())
                .withOauthToken(token).withRequestTimeout(10_000).withConnectionTimeout(5_000)
                .withRequestRetryBackoffLimit(1).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * A TokenRequest token of service account {@code namespace/name}, creating both if missing
     * (there is no controller-manager to do it).
     */
    public String serviceAccountToken(String namespace, String account) {
        return serviceAccountToken(namespace, account, null);
    }

    /**
     * The same, issued for {@code audience} (as Knative Eventing asks for the OIDC tokens it sends);
     * none: the server's own.
     */
    public String serviceAccountToken(String namespace, String account, String audience) {
        if (admin.namespaces().withName(namespace).get() == null) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                    .create();
        }
        if (admin.serviceAccounts().inNamespace(namespace).withName(account).get() == null) {
            admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(account).endMetadata().build()).create();
        }
        return admin.serviceAccounts().inNamespace(namespace).withName(account).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).withAudiences(audience == null ? null : List.of(audience)).endSpec()
                .build()).getStatus().getToken();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
