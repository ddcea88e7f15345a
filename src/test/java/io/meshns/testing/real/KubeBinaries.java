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
        Optional<Path> etcd = explicit("MESHNS_ETCD").or(() -> onPath("etcd"));
        Optional<Path> apiserver = explicit("MESHNS_KUBE_APISERVER").or(() -> {
            String cache = Optional.ofNullable(System.getenv("MESHNS_KUBE_CACHE"))
                    .orElse(System.getProperty("user.home") + "/.cache/meshns");
            Path cached = Path.of(cache, "kube-apiserver-" + VERSION);
            return Files.isExecutable(cached) ? Optional.of(cached) : onPath("kube-apiserver");
        });
        return etcd.isPresent() && apiserver.isPresent() ? Optional.of(new KubeBinaries(etcd.get(), apiserver.get()))
                : Optional.empty();
    }

    private static Optional<Path> explicit(String variable) {
        return Optional.ofNullable(System.getenv(variable)).map(Path::of).filter(Files::isExecutable);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst();
    }
}
