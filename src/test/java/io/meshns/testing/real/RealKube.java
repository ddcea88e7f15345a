package io.meshns.testing.real;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Kubernetes API servers for tests, in the spirit of controller-runtime's envtest: one etcd
 * and one kube-apiserver per cluster (a control plane and two data planes), started once per test
 * JVM and shared by every test class, which keeps to its own names. Also the JUnit condition of
 * {@link RealKubernetes}: without the binaries the tests are skipped with one line saying how to
 * get them, unless MESHNS_REAL_KUBE=required (as CI sets), where that is a failure.
 */
public final class RealKube implements ExecutionCondition {

    private static final Duration START_PATIENCE = Duration.ofSeconds(90);
    private static boolean skipAnnounced;
    private static RealKube started;

    private final Path dir;
    private final Process etcd;
    private final KubeApiServer controlPlane;
    private final KubeApiServer east;
    private final KubeApiServer west;

    /** For JUnit, as the condition. */
    public RealKube() {
        this.dir = null;
        this.etcd = null;
        this.controlPlane = null;
        this.east = null;
        this.west = null;
    }

    private RealKube(Path dir, Process etcd, KubeApiServer controlPlane, KubeApiServer east, KubeApiServer west) {
        this.dir = dir;
        this.etcd = etcd;
        this.controlPlane = controlPlane;
        this.east = east;
        this.west = west;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (KubeBinaries.find().isPresent()) {
            return ConditionEvaluationResult.enabled("etcd and kube-apiserver " + KubeBinaries.VERSION + " found");
        }
        if ("required".equals(System.getenv("MESHNS_REAL_KUBE"))) {
            throw new IllegalStateException("MESHNS_REAL_KUBE=required but etcd or kube-apiserver is missing: "
                    + KubeBinaries.INSTALL_HINT);
        }
        synchronized (RealKube.class) {
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.out.println("[real-kube] SKIPPED the tests against real API servers: no etcd or kube-apiserver; "
                        + KubeBinaries.INSTALL_HINT);
            }
        }
        return ConditionEvaluationResult.disabled("no etcd or kube-apiserver: " + KubeBinaries.INSTALL_HINT);
    }

    /** The shared servers, started on first use. */
    public static synchronized RealKube servers() throws Exception {
        if (started == null) {
            started = start(KubeBinaries.find().orElseThrow(() -> new IllegalStateException(KubeBinaries.INSTALL_HINT)));
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        }
        return started;
    }

    private static RealKube start(KubeBinaries binaries) throws Exception {
        long begin = System.nanoTime();
        Path dir = Path.of("target", "real-kube").toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        int client = Ports.free();
        int peer = Ports.free();
        String etcdUrl = "http://127.0.0.1:" + client;
        Process etcd = new ProcessBuilder(binaries.etcd().toString(),
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
                "--initial-cluster=default=http://127.0.0.1:" + peer)
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        awaitEtcd(etcd, etcdUrl, dir.resolve("etcd.log"));
        Path key = serviceAccountKey(dir);
        List<KubeApiServer> servers = new ArrayList<>();
        for (String name : List.of("control-plane", "east", "west")) {
            servers.add(KubeApiServer.start(binaries, name, etcdUrl, dir.resolve(name), key));
        }
        for (KubeApiServer server : servers) {
            server.awaitReady(START_PATIENCE);
        }
        System.out.printf("[real-kube] etcd and %d kube-apiservers %s ready in %.1f s (logs in %s)%n", servers.size(),
                KubeBinaries.VERSION, (System.nanoTime() - begin) / 1e9, dir);
        return new RealKube(dir, etcd, servers.get(0), servers.get(1), servers.get(2));
    }

    private static void awaitEtcd(Process etcd, String url, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long giveUp = System.nanoTime() + START_PATIENCE.toNanos();
        while (System.nanoTime() < giveUp) {
            if (!etcd.isAlive()) {
                throw new IllegalStateException("etcd exited with " + etcd.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("true")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("etcd did not become healthy; see " + log);
    }

    /** An RSA key in PKCS#8 PEM: the servers sign and verify service-account tokens with it. */
    private static Path serviceAccountKey(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path key = dir.resolve("service-account.key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return key;
    }

    public KubeApiServer controlPlane() {
        return controlPlane;
    }

    public KubeApiServer east() {
        return east;
    }

    public KubeApiServer west() {
        return west;
    }

    public List<KubeApiServer> all() {
        return List.of(controlPlane, east, west);
    }

    /** A folder for one test class's files (function logs, kubeconfigs). */
    public Path workDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve("work").resolve(name));
    }

    private void stop() {
        for (KubeApiServer server : List.of(controlPlane, east, west)) {
            server.close();
        }
        etcd.destroy();
        try {
            etcd.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
