package org.esabridge.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The host's side of an ESA that dials out (esa-protocol.md §1.2): an HTTPS endpoint the ESA long-polls.
 * {@link #exchange} queues a call document and waits for its result; the ESA takes it with
 * {@code GET …/next} (200 with the document and {@value #CALL_ID_HEADER}, or 204 after the wait the ESA asked
 * for with {@code Prefer: wait=N}, at most {@link #MAX_WAIT}) and answers with {@code POST …/result} carrying
 * the same {@value #CALL_ID_HEADER} (204; 404 for an id no call is waiting under). Calls queued together are
 * handed to as many polls as the ESA keeps open. Requests without the expected {@code Authorization} are
 * answered 401.
 */
public final class DialOutHost implements EsaTransport {
    public static final String CALL_ID_HEADER = "X-Esa-Call-Id";
    public static final String EXTERNAL_SYSTEM_ID_HEADER = "X-Esa-External-System-Id";
    /** The longest a poll is held without a call. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final long MAX_RESULT_BYTES = 256L * 1024 * 1024;

    /** A call waiting to be taken, then waiting for its result. */
    private record Pending(String id, byte[] document, CompletableFuture<byte[]> result) {
    }

    private final HttpsServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dial-out-host");
        t.setDaemon(true);
        return t;
    });
    private final String path;
    private final String authorization;
    private final Duration callTimeout;
    private final BlockingQueue<Pending> queued = new LinkedBlockingQueue<>();
    private final Map<String, Pending> taken = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();

    /**
     * Starts listening.
     *
     * @param address       where to listen (port 0: any free port)
     * @param path          the sync endpoint's path, e.g. {@code /esa-host}; the ESA's {@code connect} URL
     * @param tls           the endpoint's TLS identity
     * @param authorization the {@code Authorization} header the ESA must send, or null for none
     * @param callTimeout   how long {@link #exchange} waits for a result
     */
    public DialOutHost(InetSocketAddress address, String path, SSLContext tls, String authorization,
                       Duration callTimeout) throws IOException {
        this.path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.authorization = authorization;
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout == null");
        server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(Objects.requireNonNull(tls, "tls == null")));
        server.setExecutor(threads);
        server.createContext(this.path + "/next", this::next);
        server.createContext(this.path + "/result", this::result);
        server.start();
    }

    /** The URL to configure as the ESA's {@code connect}. */
    public URI url() {
        return URI.create("https://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path);
    }

    /** Polls received so far, answered or not. */
    public long polls() {
        return polls.get();
    }

    @Override
    public Answer exchange(byte[] document, String contentType) throws IOException {
        Pending call = new Pending(Long.toString(ids.incrementAndGet()), document.clone(), new CompletableFuture<>());
        queued.add(call);
        try {
            return new Answer(NO_STATUS, new ByteArrayInputStream(call.result().get(callTimeout.toMillis(),
                    TimeUnit.MILLISECONDS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no result from the ESA within " + callTimeout.toSeconds() + " s");
        } finally {
            queued.remove(call);
            taken.remove(call.id());
        }
    }

    @Override
    public String describe() {
        return "an ESA dialling in to " + url();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void next(HttpExchange http) throws IOException {
        try (http) {
            polls.incrementAndGet();
            if (!allowed(http, "GET")) {
                return;
            }
            Pending call;
            try {
                call = queued.poll(waitOf(http).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call = null;
            }
            if (call == null) {
                http.sendResponseHeaders(204, -1);
                return;
            }
            taken.put(call.id(), call);
            http.getResponseHeaders().set(CALL_ID_HEADER, call.id());
            http.getResponseHeaders().set("Content-Type", "application/xml; charset=UTF-8");
            http.sendResponseHeaders(200, call.document().length);
            http.getResponseBody().write(call.document());
        }
    }

    private void result(HttpExchange http) throws IOException {
        try (http) {
            if (!allowed(http, "POST")) {
                return;
            }
            String id = http.getRequestHeaders().getFirst(CALL_ID_HEADER);
            Pending call = id == null ? null : taken.remove(id);
            if (call == null) {
                http.sendResponseHeaders(404, -1);
                return;
            }
            try (InputStream in = http.getRequestBody()) {
                byte[] body = in.readNBytes((int) Math.min(MAX_RESULT_BYTES, Integer.MAX_VALUE - 8));
                call.result().complete(body);
            }
            http.sendResponseHeaders(204, -1);
        }
    }

    private boolean allowed(HttpExchange http, String method) throws IOException {
        if (!http.getRequestMethod().equals(method)) {
            http.getResponseHeaders().set("Allow", method);
            http.sendResponseHeaders(405, -1);
            return false;
        }
        String sent = http.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && (sent == null || !MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8)))) {
            http.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            http.sendResponseHeaders(401, -1);
            return false;
        }
        return true;
    }

    /** {@code Prefer: wait=N}, at most {@link #MAX_WAIT}; without it, {@link #MAX_WAIT}. */
    private static Duration waitOf(HttpExchange http) {
        String prefer = http.getRequestHeaders().getFirst("Prefer");
        if (prefer != null) {
            for (String part : prefer.split("[,;]")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("wait")) {
                    try {
                        long seconds = Long.parseLong(kv[1].trim());
                        return Duration.ofSeconds(Math.max(0, Math.min(seconds, MAX_WAIT.toSeconds())));
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
        }
        return MAX_WAIT;
    }
}
