package io.meshns.testing.real;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the real Kubernetes binaries are: {@code MESHNS_ETCD} and {@code MESHNS_KUBE_APISERVER}
 * when set, else etcd on the PATH and the kube-apiserver that {@code scripts/install-kube.sh} caches.
 */
public record KubeBinaries(Path etcd, Path kubeApiserver) {

    public static final String VERSION = "1.20.2";
    public static final String INSTALL_HINT = "run scripts/install-kube.sh (as root, Debian bookworm: Debian's etcd-server "
            + "and a kube-apiserver " + VERSION + " built from Debian's source package, about 4 minutes the first time)";

    public static Optional<KubeBinaries> find() {
        Optional<Path> etcd = chosen("MESHNS_ETCD", () -> onPath("etcd"));
        Optional<Path> apiserver = chosen("MESHNS_KUBE_APISERVER", () -> {
            String cache = Optional.ofNullable(System.getenv("MESHNS_KUBE_CACHE"))
                    .orElse(System.getProperty("user.home") + "/.cache/meshns");
            Path cached = Path.of(cache, "kube-apiserver-" + VERSION);
            return Files.isExecutable(cached) ? Optional.of(cached) : onPath("kube-apiserver");
        });
        return etcd.isPresent() && apiserver.isPresent() ? Optional.of(new KubeBinaries(etcd.get(), apiserver.get()))
                : Optional.empty();
    }

    /** The binary a variable names (and no other, when it is set), else the default. */
    private static Optional<Path> chosen(String variable, java.util.function.Supplier<Optional<Path>> otherwise) {
        String named = System.getenv(variable);
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        return otherwise.get();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }
}
