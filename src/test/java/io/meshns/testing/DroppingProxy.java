package io.meshns.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an API server that drops the first {@code drops} connections as soon as
 * a request arrives, then forwards faithfully: a flaky network or a restarting load balancer.
 */
public final class DroppingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger dropsLeft;
    private final AtomicInteger dropped = new AtomicInteger();
    private final java.util.List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DroppingProxy(int targetPort, int drops) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.dropsLeft = new AtomicInteger(drops);
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    if (dropsLeft.getAndDecrement() > 0) {
                        client.getInputStream().read();
                        client.close();
                        dropped.incrementAndGet();
                        continue;
                    }
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(target);
                    pump(client.getInputStream(), target.getOutputStream(), target);
                    pump(target.getInputStream(), client.getOutputStream(), client);
                } catch (IOException e) {
                    return;
                }
            }
        }, "dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void pump(InputStream in, OutputStream out, Socket closeWhenDone) {
        Thread pump = new Thread(() -> {
            try (closeWhenDone) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed
            }
        }, "dropping-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Drops every connection from now on (the cluster is down) or none (it is back). */
    public void down(boolean down) throws IOException {
        dropsLeft.set(down ? Integer.MAX_VALUE : 0);
        if (down) {
            // Kept-alive connections die with the cluster too.
            for (Socket socket : open) {
                socket.close();
            }
            open.clear();
        }
    }

    /** How many connections were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
