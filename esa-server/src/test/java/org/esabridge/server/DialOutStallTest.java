package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host the ESA dials out to cannot hold its pollers (issue 25 §5): one that sends a poll's headers and part of
 * the call and then stalls, or stalls in its answer to a posted result, costs one failed poll or attempt, and
 * the one poller polls again. And plain http is refused unless named insecure, and then only on loopback. The
 * stalling host is a raw socket on 127.0.0.1 speaking HTTP/1.1 (java's HTTP servers cannot stall mid-body), so
 * these tests need {@code insecure-http-connect}.
 */
class DialOutStallTest {
    private static final String CALL = "<sync><esa-call call-id=\"7\"><getCurrentTime/></esa-call></sync>";

    @TempDir
    Path dir;

    @Test
    void aHostThatStallsInTheMiddleOfACallCostsOnePoll() throws Exception {
        try (StallingHost host = new StallingHost(request -> request.startsWith("GET ")
                ? "HTTP/1.1 200 OK\r\nX-Esa-Call-Id: 7\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n"
                + CALL.substring(0, 20) : null);
             DialOutEsa esa = dialOut(host)) {
            esa.start();
            assertTrue(host.request(60).startsWith("GET "));
            String again = host.request(60);
            assertNotNull(again, "the one poller never polled again: the stalled body holds it");
            assertTrue(again.startsWith("GET "), again);
        }
    }

    @Test
    void aHostThatStallsItsAnswerToAResultCostsOneAttempt() throws Exception {
        try (StallingHost host = new StallingHost(request -> request.startsWith("GET ")
                ? "HTTP/1.1 200 OK\r\nX-Esa-Call-Id: 7\r\nContent-Type: application/xml\r\nContent-Length: "
                + CALL.length() + "\r\n\r\n" + CALL
                : "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok");
             DialOutEsa esa = dialOut(host)) {
            esa.start();
            assertTrue(host.request(60).startsWith("GET "));
            String first = host.request(60);
            assertTrue(first != null && first.startsWith("POST "), first);
            assertTrue(first.toLowerCase(Locale.ROOT).contains("x-esa-call-id: 7"), first);
            String second = host.request(60);
            assertNotNull(second, "the stalled answer to the first attempt holds the poller");
            assertTrue(second.startsWith("POST "), second);
        }
    }

    @Test
    void plainHttpIsRefusedUnlessNamedInsecureAndOnlyOnLoopback() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> config("http://127.0.0.1:9/esa-host", false));
        assertTrue(refused.getMessage().contains("clear text"), refused.getMessage());
        assertTrue(refused.getMessage().contains(ServerSettings.INSECURE_HTTP_CONNECT.name()), refused.getMessage());
        refused = assertThrows(IllegalArgumentException.class, () -> config("http://192.0.2.1:9/esa-host", true));
        assertTrue(refused.getMessage().contains("loopback"), refused.getMessage());
        assertEquals("http", config("http://127.0.0.1:9/esa-host", true).connect().getScheme());
        assertEquals("https", config("https://192.0.2.1:9/esa-host", false).connect().getScheme());
    }

    private ServerConfig config(String connect, boolean insecure) {
        Map<String, String> values = new HashMap<>();
        values.put(ServerSettings.DATA_DIR.name(), dir.resolve("esa").toString());
        values.put(ServerSettings.EXTERNAL_SYSTEM_ID.name(), "e2e");
        values.put(ServerSettings.CONNECT.name(), connect);
        values.put(ServerSettings.CONNECT_PARALLEL_CALLS.name(), "1");
        values.put(ServerSettings.INSECURE_HTTP_CONNECT.name(), Boolean.toString(insecure));
        values.put(JdbcAdapterConfig.HELPER_TIMEOUT_SECONDS, "1");
        return ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
    }

    private DialOutEsa dialOut(StallingHost host) throws Exception {
        return DialOutEsa.create(config("http://127.0.0.1:" + host.port() + "/esa-host", true), new FakeAdapter());
    }

    /**
     * Answers each request with what {@code answer} returns for its request line and body (null: nothing at all),
     * then neither sends more nor closes: a stalled host.
     */
    private static final class StallingHost implements AutoCloseable {
        private final ServerSocket socket;
        private final Function<String, String> answer;
        private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        StallingHost(Function<String, String> answer) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answer = answer;
            this.acceptor = new Thread(this::accept, "stalling-host");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** The next request (its line, headers and body), or null when none came within the time. */
        String request(int seconds) throws InterruptedException {
            return requests.poll(seconds, TimeUnit.SECONDS);
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connections.add(connection);
                    Thread serving = new Thread(() -> serve(connection), "stalling-host-connection");
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
                while (true) {
                    String head = head(in);
                    if (head == null) {
                        return;
                    }
                    String request = head + new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
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

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).trim());
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
}
