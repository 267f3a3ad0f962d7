package org.esabridge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A host for the ESA that dials out, as a raw HTTP/1.1 socket on 127.0.0.1 (reached with
 * {@code insecure-http-connect}): it answers each request with what its function returns — bytes of its own
 * choosing, so it can stall mid-body, which java's HTTP servers cannot — and never closes a connection on its
 * own. A request body is counted, not kept: only its first {@link #KEPT_BYTES} are.
 */
final class RawHttpHost implements AutoCloseable {
    static final int KEPT_BYTES = 4096;

    /**
     * @param head      the request line and headers
     * @param bodyBytes the body's length
     * @param bodyStart its first bytes, as text
     */
    record Request(String head, long bodyBytes, String bodyStart) {
        boolean isGet() {
            return head.startsWith("GET ");
        }

        boolean isPost() {
            return head.startsWith("POST ");
        }
    }

    private final ServerSocket socket;
    private final Function<Request, String> answer;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    /** @param answer what to send for a request (null: nothing), then the connection waits for the next one */
    RawHttpHost(Function<Request, String> answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answer = answer;
        Thread acceptor = new Thread(this::accept, "raw-http-host");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The ESA's connect URL for this host. */
    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/esa-host";
    }

    /** The next request, or null when none came within the time. */
    Request request(int seconds) throws InterruptedException {
        return requests.poll(seconds, TimeUnit.SECONDS);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                Thread serving = new Thread(() -> serve(connection), "raw-http-host-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            for (String head = head(in); head != null; head = head(in)) {
                Request request = body(head, in, contentLength(head));
                requests.add(request);
                String reply = answer.apply(request);
                if (reply != null) {
                    out.write(reply.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client gave the connection up
        }
    }

    private static Request body(String head, InputStream in, long length) throws IOException {
        byte[] start = in.readNBytes((int) Math.min(length, KEPT_BYTES));
        long read = start.length;
        byte[] buffer = new byte[64 * 1024];
        while (read < length) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - read));
            if (n < 0) {
                throw new IOException("the body ended early");
            }
            read += n;
        }
        return new Request(head, read, new String(start, StandardCharsets.UTF_8));
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
