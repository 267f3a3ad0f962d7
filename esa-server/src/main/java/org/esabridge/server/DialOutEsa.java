package org.esabridge.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.helper.HelperApiConfig;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ESA that dials out (esa-protocol.md §1.2): instead of listening, it long-polls the host's sync endpoint
 * for call documents ({@code GET {connect}/next}), answers each through the same {@link CallExchange} as the
 * other transports, and posts the answer back ({@code POST {connect}/result} with the call's
 * {@value #CALL_ID_HEADER}). {@code connect-parallel-calls} polls run at once, so calls the host hands out
 * together are served together.
 *
 * <p>A failed poll (no connection, a refusal, a host error) is retried after 1 s, doubling up to
 * {@link #BACKOFF_MAX}; a poll that brings a call or the host's "nothing yet" resets the wait. Stopping ends
 * the polls at once, lets calls being answered finish, then closes the adapter and the audit log.
 *
 * <p>No host can hold a poller: a poll's headers must come within {@link #POLL_WAIT} plus {@link #POLL_MARGIN},
 * its call document ({@link BoundedBody}, at most {@code max-body-bytes} kept) within {@code helper-timeout-seconds}
 * of them; posting a result, its answer included, takes at most {@code helper-timeout-seconds} an attempt, plus a
 * second per {@code min-response-bytes-per-second} bytes of the result. A host
 * that stalls mid-way costs one failed poll or attempt, and the connection.
 */
final class DialOutEsa implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DialOutEsa.class);

    static final String PRINCIPAL = "dial-out";
    static final String CALL_ID_HEADER = "X-Esa-Call-Id";
    static final String EXTERNAL_SYSTEM_ID_HEADER = "X-Esa-External-System-Id";
    static final String CONTENT_TYPE = EsaServlet.CONTENT_TYPE;
    /** How long the host may hold a poll before answering 204 (sent as {@code Prefer: wait=N}). */
    static final Duration POLL_WAIT = Duration.ofSeconds(25);
    /** How much longer than {@link #POLL_WAIT} a poll may take before it is given up. */
    static final Duration POLL_MARGIN = Duration.ofSeconds(10);
    static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
    /** Attempts to deliver one result before the host is left to time the call out. */
    static final int RESULT_ATTEMPTS = 3;

    private final URI next;
    private final URI result;
    private final HttpClient http;
    private final String authorization;
    private final String externalSystemId;
    private final Duration requestTimeout;
    private final long maxBodyBytes;
    private final int minResultBytesPerSecond;
    private final CallExchange exchange;
    private final int pollers;
    private final ExternalSystemAdapter adapter;
    private final AuditLog audit;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final Set<CompletableFuture<?>> polls = ConcurrentHashMap.newKeySet();

    private DialOutEsa(URI connect, HttpClient http, String authorization, String externalSystemId,
                       Duration requestTimeout, long maxBodyBytes, int minResultBytesPerSecond, CallExchange exchange,
                       int pollers, ExternalSystemAdapter adapter, AuditLog audit) {
        String base = connect.toString().endsWith("/") ? connect.toString() : connect + "/";
        this.next = URI.create(base + "next");
        this.result = URI.create(base + "result");
        this.http = http;
        this.authorization = authorization;
        this.externalSystemId = externalSystemId;
        this.requestTimeout = requestTimeout;
        this.maxBodyBytes = maxBodyBytes;
        this.minResultBytesPerSecond = minResultBytesPerSecond;
        this.exchange = exchange;
        this.pollers = pollers;
        this.adapter = adapter;
        this.audit = audit;
    }

    /**
     * Builds it, unstarted; it owns the adapter from here on. Credentials and the host's trust come from the
     * Helper API's settings (the same host); {@code keystore}, when given, is the client certificate.
     */
    static DialOutEsa create(ServerConfig config, ExternalSystemAdapter adapter) throws IOException,
            GeneralSecurityException {
        Objects.requireNonNull(config.connect(), "connect == null");
        HelperApiConfig host = hostConnection(config);
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(host.connectTimeout());
        if (host.trustStore() != null || config.keystore() != null) {
            client.sslContext(sslContext(host.trustStore(), config.keystore(), config.keystorePassword()));
        }
        AuditLog audit = AuditLog.open(config.auditLog());
        return new DialOutEsa(config.connect(), client.build(), host.credentials().authorization(),
                config.externalSystemId(), host.requestTimeout(), config.maxBodyBytes(),
                config.limits().minResponseBytesPerSecond(), CallExchange.of(config, adapter, audit, PRINCIPAL),
                config.connectParallelCalls(), adapter, audit);
    }

    /** The Helper API's credentials, trust and time-outs, for the sync endpoint. */
    private static HelperApiConfig hostConnection(ServerConfig config) {
        Map<String, String> s = config.adapterSettings();
        HelperApiConfig.Builder b = HelperApiConfig.builder(config.connect(), config.externalSystemId());
        String timeout = s.getOrDefault(JdbcAdapterConfig.HELPER_TIMEOUT_SECONDS, "");
        if (!timeout.isBlank()) {
            b.requestTimeout(Duration.ofSeconds(Integer.parseInt(timeout.trim())));
        }
        String trustStore = s.getOrDefault(JdbcAdapterConfig.HELPER_TRUST_STORE, "");
        if (!trustStore.isBlank()) {
            b.trustStore(Path.of(trustStore.trim()), s.getOrDefault(JdbcAdapterConfig.HELPER_TRUST_STORE_PASSWORD, ""));
        }
        String token = s.getOrDefault(JdbcAdapterConfig.HELPER_TOKEN, "");
        String user = s.getOrDefault(JdbcAdapterConfig.HELPER_USER, "");
        if (!token.isBlank()) {
            b.bearerToken(token.trim());
        } else if (!user.isBlank()) {
            b.basicAuth(user.trim(), s.getOrDefault(JdbcAdapterConfig.HELPER_PASSWORD, ""));
        }
        return b.build();
    }

    private static SSLContext sslContext(HelperApiConfig.TrustStore trustStore, Path keystore, String keystorePassword)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        if (trustStore != null) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(pkcs12(trustStore.path(), trustStore.password()));
        }
        KeyManagerFactory keys = null;
        if (keystore != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(pkcs12(keystore, keystorePassword), keystorePassword.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore pkcs12(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** {@code --connect}: runs until the process is stopped; the exit code. */
    static int run(ServerConfig config, JdbcAdapterConfig adapterConfig) {
        DialOutEsa esa;
        try {
            esa = create(config, JdbcAdapter.start(adapterConfig));
        } catch (Exception e) {
            System.err.println("esa-server: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(esa::close, "esa-shutdown"));
        esa.start();
        System.out.println("esa-bridge polls " + esa.next + " for calls");
        try {
            esa.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    void start() {
        for (int i = 0; i < pollers; i++) {
            Thread poller = new Thread(this::poll, "esa-dial-out-" + i);
            threads.add(poller);
            poller.start();
        }
        LOG.info("esa-bridge polls {} for calls ({} at once)", next, pollers);
        if ("http".equalsIgnoreCase(next.getScheme())) {
            LOG.warn("INSECURE: {} is plain http (insecure-http-connect): calls, answers and the Helper credentials "
                    + "travel unencrypted", next);
        }
    }

    /** Waits until {@link #close} was called. */
    void join() throws InterruptedException {
        stopping.await();
    }

    private void poll() {
        Duration backoff = BACKOFF_BASE;
        try {
            while (stopping.getCount() > 0) {
                String failure = pollOnce();
                if (failure == null) {
                    backoff = BACKOFF_BASE;
                    continue;
                }
                if (stopping.getCount() == 0) {
                    return;
                }
                LOG.warn("{}: {}; polling again in {} s", next, failure, backoff.toSeconds());
                if (waitOrStop(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : backoff.multipliedBy(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
        }
    }

    /** One poll and, when it brings a call, its answer; null when all went well, else why not. */
    private String pollOnce() throws InterruptedException {
        try {
            HttpResponse<byte[]> call = awaitCall();
            if (call == null) {
                return null; // stopping
            }
            String callId = call.headers().firstValue(CALL_ID_HEADER).orElse(null);
            if (call.statusCode() == 204) {
                return null;
            }
            if (call.statusCode() != 200) {
                return "HTTP " + call.statusCode();
            }
            if (callId == null) {
                return "a call without " + CALL_ID_HEADER;
            }
            try (CallExchange.Answer answer = exchange.exchange(new ByteArrayInputStream(call.body()), next.getHost())) {
                deliver(callId, answer.document());
            }
            return null;
        } catch (IOException e) {
            return "cannot poll: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** One long poll; null when stopping ended it. */
    private HttpResponse<byte[]> awaitCall() throws IOException, InterruptedException {
        Duration headers = POLL_WAIT.plus(POLL_MARGIN);
        CompletableFuture<HttpResponse<byte[]>> poll = http.sendAsync(request(next).GET()
                .header("Prefer", "wait=" + POLL_WAIT.toSeconds()).timeout(headers).build(),
                info -> new BoundedBody(maxBodyBytes + 1, requestTimeout));
        polls.add(poll);
        try {
            if (stopping.getCount() == 0) {
                poll.cancel(true);
            }
            return within(poll, headers.plus(requestTimeout));
        } catch (CancellationException e) {
            return null;
        } finally {
            polls.remove(poll);
        }
    }

    /**
     * Posts the answer, retried on a connection failure or a host error (5xx); a host that no longer waits for
     * the call (any 4xx) is told nothing more.
     */
    private void deliver(String callId, SpooledAnswer answer) throws InterruptedException {
        // A large answer takes its time to upload: one more second per min-response-bytes-per-second bytes.
        Duration timeout = requestTimeout.plusSeconds(answer.size() / minResultBytesPerSecond);
        Duration backoff = BACKOFF_BASE;
        for (int attempt = 1; attempt <= RESULT_ATTEMPTS; attempt++) {
            String failure;
            try {
                HttpResponse<byte[]> posted = within(http.sendAsync(request(result).header(CALL_ID_HEADER, callId)
                                .header("Content-Type", CONTENT_TYPE).POST(answer.publisher())
                                .timeout(timeout).build(),
                        info -> new BoundedBody(RESULT_ANSWER_BYTES, requestTimeout)), timeout);
                if (posted.statusCode() / 100 == 2) {
                    return;
                }
                if (posted.statusCode() / 100 == 4) {
                    LOG.warn("{} refused the result of call {} with HTTP {}", result, LogValues.of(callId),
                            posted.statusCode());
                    return;
                }
                failure = "HTTP " + posted.statusCode();
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            LOG.warn("cannot post the result of call {} (attempt {} of {}): {}", LogValues.of(callId), attempt,
                    RESULT_ATTEMPTS, failure);
            if (attempt < RESULT_ATTEMPTS && waitOrStop(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    /** What is kept of the host's answer to a posted result: its status is all that counts. */
    static final int RESULT_ANSWER_BYTES = 4096;

    /**
     * The exchange's response, or an IOException once {@code deadline} has passed (the exchange is then
     * cancelled, which closes its connection): the bound behind the client's own time-outs, which end with the
     * headers.
     */
    private static <T> HttpResponse<T> within(CompletableFuture<HttpResponse<T>> exchange, Duration deadline)
            throws IOException, InterruptedException {
        try {
            return exchange.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IOException("no complete answer within " + deadline.toSeconds() + " s");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw new IOException("the host stopped sending its answer (helper-timeout-seconds)");
            }
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header(EXTERNAL_SYSTEM_ID_HEADER, externalSystemId);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    /** @return true when stopping began while waiting */
    private boolean waitOrStop(Duration wait) throws InterruptedException {
        return stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the polls, lets calls being answered finish, then closes the adapter and the audit log. Idempotent. */
    @Override
    public void close() {
        if (stopping.getCount() == 0) {
            return;
        }
        stopping.countDown();
        // Ends the waiting polls; a call being answered is not interrupted (JDBC does not take that well).
        polls.forEach(poll -> poll.cancel(true));
        for (Thread poller : threads) {
            try {
                poller.join(EsaServer.STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            adapter.close();
        } finally {
            audit.close();
        }
        LOG.info("esa-bridge stopped polling {}", next);
    }
}
