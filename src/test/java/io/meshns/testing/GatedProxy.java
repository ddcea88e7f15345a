package io.meshns.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy in front of an API server that reads each HTTP/1.1 request and, by a rule the test sets,
 * forwards it, delays it, or holds it until the test opens a gate: the network between meshns and
 * a slow cluster, made to order. A delayed or held request is forwarded only if its client is still
 * waiting for it then (a client that gave up has closed the connection), as a real network would.
 */
public final class GatedProxy implements AutoCloseable {

    /** What to do with one request. */
    public record Step(Duration delay, CountDownLatch gate, boolean dropped) {

        public static Step forward() {
            return new Step(Duration.ZERO, null, false);
        }

        public static Step delay(Duration delay) {
            return new Step(delay, null, false);
        }

        public static Step hold(CountDownLatch gate) {
            return new Step(Duration.ZERO, gate, false);
        }

        public static Step drop() {
            return new Step(Duration.ZERO, null, true);
        }
    }

    /** Decides a request's fate from its method and path; called once per request, in arrival order. */
    public interface Rule {
        Step decide(String method, String path);
    }

    private final ServerSocket socket;
    private final int targetPort;
    private volatile Rule rule = (method, path) -> Step.forward();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger heldThenForwarded = new AtomicInteger();
    private final AtomicInteger heldThenDiscarded = new AtomicInteger();

    public GatedProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    open.add(client);
                    Thread connection = new Thread(() -> serve(client), "gated-proxy-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "gated-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public void rule(Rule rule) {
        this.rule = rule;
    }

    /** Requests that reached the server. */
    public int forwarded() {
        return forwarded.get();
    }

    /** Held or delayed requests that were then forwarded, their client still waiting. */
    public int heldThenForwarded() {
        return heldThenForwarded.get();
    }

    /** Held or delayed requests dropped because their client had given up meanwhile. */
    public int heldThenDiscarded() {
        return heldThenDiscarded.get();
    }

    /** Waits until {@code count} requests have been held or delayed, i.e. the interleaving has begun. */
    public void awaitHeld(int count) throws InterruptedException {
        while (held.get() < count) {
            Thread.sleep(5);
        }
    }

    /** Closes every open connection, so the next requests open new ones (and meet the current rule). */
    public void closeConnections() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    private void serve(Socket client) {
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            open.add(target);
            pump(target.getInputStream(), client.getOutputStream(), client);
            PushbackInputStream in = new PushbackInputStream(client.getInputStream(), 1);
            OutputStream out = target.getOutputStream();
            while (true) {
                byte[][] request = readRequest(in);
                if (request == null) {
                    return;
                }
                String[] line = new String(request[0], java.nio.charset.StandardCharsets.ISO_8859_1).split(" ", 3);
                Step step = rule.decide(line[0], line[1]);
                if (step.dropped()) {
                    return;
                }
                if (step.gate() != null || !step.delay().isZero()) {
                    held.incrementAndGet();
                    if (step.gate() != null) {
                        step.gate().await();
                    }
                    Thread.sleep(step.delay().toMillis());
                    if (!stillWaiting(client, in)) {
                        heldThenDiscarded.incrementAndGet();
                        return;
                    }
                    heldThenForwarded.incrementAndGet();
                }
                out.write(request[0]);
                out.write(request[1]);
                out.flush();
                forwarded.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // either side closed
        }
    }

    /** True while the client keeps the connection open (it has not given up on its request). */
    private static boolean stillWaiting(Socket client, PushbackInputStream in) throws IOException {
        if (client.isClosed()) {
            return false;
        }
        int timeout = client.getSoTimeout();
        client.setSoTimeout(1);
        try {
            int next = in.read();
            if (next < 0) {
                return false;
            }
            in.unread(next);
            return true;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            if (!client.isClosed()) {
                client.setSoTimeout(timeout);
            }
        }
    }

    /** One request as {head, body}, or null at the end of the stream. Bodies by Content-Length only. */
    private static byte[][] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : b == '\r' ? 1 : 0;
        }
        int length = 0;
        for (String header : head.toString(java.nio.charset.StandardCharsets.ISO_8859_1).split("\r\n")) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                throw new IOException("chunked request bodies are not supported by this proxy");
            }
        }
        byte[] body = in.readNBytes(length);
        return new byte[][] { head.toByteArray(), body };
    }

    private static void pump(InputStream in, OutputStream out, Socket closeWhenDone) {
        Thread pump = new Thread(() -> {
            try (closeWhenDone) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed
            }
        }, "gated-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    /** Waits until {@code count} held or delayed requests are settled: forwarded or discarded. */
    public void awaitSettled(int count) throws InterruptedException {
        while (heldThenForwarded.get() + heldThenDiscarded.get() < count) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        closeConnections();
    }
}
