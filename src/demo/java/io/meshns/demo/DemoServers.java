package io.meshns.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.eclipse.microprofile.config.ConfigProvider;

import io.meshns.mock.MockApiServer;

/**
 * The demo mesh's three API servers (control plane, east, west) on loopback, started once, by
 * whichever needs them first: the control-plane client (DemoControlPlane) or the seeding
 * (DemoMesh). They take meshns-demo.base-port (env MESHNS_DEMO_BASE_PORT) and the two ports after
 * it, 18001-18003 by default; a port something else holds is skipped for the next free one, so the
 * demo starts anywhere. (Not meshns.demo.*: meshns' own configuration refuses names it does not know.)
 */
final class DemoServers {

    static final int DEFAULT_BASE_PORT = 18001;
    /** How far past the base port to look for a free one before taking any the system gives. */
    private static final int SEARCH = 100;

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static DemoServers started;

    final int basePort;
    final MockApiServer controlPlane;
    final MockApiServer east;
    final MockApiServer west;

    private DemoServers(int basePort, MockApiServer controlPlane, MockApiServer east, MockApiServer west) {
        this.basePort = basePort;
        this.controlPlane = controlPlane;
        this.east = east;
        this.west = west;
    }

    static synchronized DemoServers get() {
        if (started == null) {
            int base = ConfigProvider.getConfig().getOptionalValue("meshns-demo.base-port", Integer.class)
                    .orElse(DEFAULT_BASE_PORT);
            if (base < 1 || base > 65533) {
                throw new IllegalArgumentException("meshns-demo.base-port must be 1-65533, not " + base);
            }
            MockApiServer controlPlane = startFrom(base);
            MockApiServer east = startFrom(controlPlane.port() + 1);
            MockApiServer west = startFrom(east.port() + 1);
            started = new DemoServers(base, controlPlane, east, west);
        }
        return started;
    }

    /** Whether the servers are on base-port, +1 and +2, as the README's examples expect by default. */
    boolean onBasePorts() {
        return controlPlane.port() == basePort && east.port() == basePort + 1 && west.port() == basePort + 2;
    }

    /** The first free loopback port from {@code from}, or, if none is free for a while, any free one. */
    private static MockApiServer startFrom(int from) {
        for (int port = from; port < Math.min(from + SEARCH, 65536); port++) {
            // The mock server's own bind failure is a long stack trace and leaves its threads behind:
            // look first. Something may still take the port in between; then the next one is tried.
            if (free(LOOPBACK, port)) {
                try {
                    return MockApiServer.start(port);
                } catch (RuntimeException taken) {
                    if (!free(LOOPBACK, port)) {
                        continue;
                    }
                    throw taken;
                }
            }
        }
        return MockApiServer.start(0);
    }

    /** Stops the servers, if anything started them. */
    static synchronized void stop() {
        if (started != null) {
            started.controlPlane.close();
            started.east.close();
            started.west.close();
            started = null;
        }
    }

    /** The first port from {@code from} that is free on {@code host}, for a hint; 0 if none is near. */
    static int firstFree(InetAddress host, int from) {
        for (int port = from; port < Math.min(from + SEARCH, 65536); port++) {
            if (free(host, port)) {
                return port;
            }
        }
        return 0;
    }

    /** Whether a server could listen on {@code port} of {@code host} now. */
    static boolean free(InetAddress host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
