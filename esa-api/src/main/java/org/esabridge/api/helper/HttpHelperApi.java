package org.esabridge.api.helper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.call.ApiCall;
import org.esabridge.api.xml.ApiCallWriter;
import org.esabridge.api.xml.ApiResult;
import org.esabridge.api.xml.ApiResultReader;
import org.esabridge.api.xml.UnreadableAnswerException;
import org.esabridge.api.xml.UnwritableValueException;

/**
 * {@link HelperApi} over HTTP(S) with {@code java.net.http}: each call is one {@code POST} of an
 * {@code <api-call>} document ({@code application/xml; charset=UTF-8}), answered by a {@code <result>}.
 *
 * <p>Retries: a call is sent again, after an exponential backoff (a host's {@code Retry-After} honoured
 * up to {@link HelperApiConfig#backoffMax()}), only when it failed transiently: the connection could not
 * be opened or broke, an attempt timed out, or the host answered 502, 503 or 504. A retry repeats the
 * same document with the same call id, so a host that saw the first attempt can tell. Never retried: a
 * host {@code <exception>}, any other HTTP status, an unusable answer, a TLS failure. The Helper calls are
 * queries or idempotent reports, except {@code startSync}, where a retry after a lost answer may ask for a
 * run the host already started; the host refuses or ignores a second run of the same ESA.
 *
 * <p>Bounds: each attempt has {@link HelperApiConfig#requestTimeout()} for the whole exchange, answer body
 * included (the JDK's own request time-out stops at the headers); the body is read up to
 * {@link HelperApiConfig#maxResponseBytes()} and parsed by the codec within
 * {@link HelperApiConfig#responseLimits()}.
 *
 * <p>Call ids are a counter per client, starting at 1. Thread-safe; one instance serves the whole ESA.
 */
public final class HttpHelperApi implements HelperApi {
    private static final System.Logger LOG = System.getLogger(HttpHelperApi.class.getName());

    private final HelperApiConfig config;
    private final HttpClient client;
    private final ApiResultReader reader;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final AtomicLong callIds = new AtomicLong();

    /** How the client waits between attempts; tests replace it to observe the waits. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * Builds the client; nothing is sent yet.
     *
     * @throws IllegalArgumentException when the configured trust store cannot be read
     */
    public HttpHelperApi(HelperApiConfig config) {
        this(config, duration -> Thread.sleep(duration.toMillis()));
    }

    HttpHelperApi(HelperApiConfig config, Sleeper sleeper) {
        this.config = Objects.requireNonNull(config, "config == null");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
        // HTTP/1.1: on plain http the JDK would otherwise ask for an h2c upgrade, which hosts and proxies
        // handle badly; redirects are not followed, since a redirected POST would carry the credentials
        // to wherever the redirect points.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout());
        if (config.trustStore() != null) {
            builder.sslContext(TrustStores.sslContext(config.trustStore()));
        }
        this.client = builder.build();
        this.reader = new ApiResultReader(config.responseLimits());
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        if (config.credentials().authorization() != null && "http".equalsIgnoreCase(config.url().getScheme())) {
            LOG.log(System.Logger.Level.WARNING, "Helper API credentials are sent without TLS to "
                    + config.url().getHost() + "; use an https url outside tests");
        }
    }

    @Override
    public boolean isKnownId(String structure, String id) throws EsaException {
        ApiResult result = call(new ApiCall.IsKnownId(config.externalSystemId(), required("structure", structure),
                required("id", id)));
        String value = result.value();
        if ("true".equals(value) || "1".equals(value)) {
            return true;
        }
        if ("false".equals(value) || "0".equals(value)) {
            return false;
        }
        throw unusable("isKnownID was answered without a boolean <value>");
    }

    @Override
    public List<String> getParameter(String name) throws EsaException {
        return call(new ApiCall.GetParameter(config.externalSystemId(), required("name", name))).values();
    }

    @Override
    public List<String> detectDeleted(Instant after, String structure) throws EsaException {
        return call(new ApiCall.DetectDeleted(config.externalSystemId(), required("after", after),
                required("structure", structure))).ids();
    }

    @Override
    public void enumerateKnownIds(Instant knownBefore, String structure, IdSink sink) throws EsaException {
        required("sink", sink);
        List<String> ids = call(new ApiCall.EnumerateKnownIds(config.externalSystemId(),
                required("knownBefore", knownBefore), required("structure", structure))).ids();
        for (String id : ids) {
            sink.accept(id);
        }
    }

    @Override
    public String startSync(boolean asynchronous) throws EsaException {
        String status = call(new ApiCall.StartSync(config.externalSystemId(), asynchronous)).value();
        if (status == null) {
            throw unusable("startSync was answered without a run status <value>");
        }
        return status;
    }

    @Override
    public void trackRecordDeletion(Instant time, String structure, String id) throws EsaException {
        call(new ApiCall.TrackRecordDeletion(config.externalSystemId(), required("time", time),
                required("structure", structure), required("id", id)));
    }

    private ApiResult call(ApiCall call) throws EsaException {
        String callId = Long.toString(callIds.incrementAndGet());
        HttpRequest request = request(document(callId, call));
        for (int attempt = 1; ; attempt++) {
            Attempt outcome = send(request, attempt);
            if (outcome.response != null && !retried(outcome.response.statusCode())) {
                return answer(callId, call, outcome.response);
            }
            int status = outcome.response == null ? 0 : outcome.response.statusCode();
            String why = outcome.response == null ? describe(outcome.failure) : "HTTP " + status;
            if (attempt >= config.maxAttempts()) {
                throw new HelperApiUnavailableException("the sync host's Helper API did not answer " + call.name()
                        + " after " + attempt + (attempt == 1 ? " attempt: " : " attempts: ") + why,
                        attempt, status, outcome.failure);
            }
            String retryAfter = outcome.response == null ? null
                    : outcome.response.headers().firstValue("Retry-After").orElse(null);
            Duration wait = backoff.delay(attempt, retryAfter, Instant.now());
            LOG.log(System.Logger.Level.DEBUG, () -> call.name() + " call " + callId + " failed (" + why
                    + "), attempt " + (outcome.attempt + 1) + " in " + wait.toMillis() + " ms");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HelperApiUnavailableException("interrupted while waiting to retry " + call.name(),
                        attempt, status, e);
            }
        }
    }

    private static boolean retried(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    private static byte[] document(String callId, ApiCall call) throws EsaException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            ApiCallWriter.write(out, callId, call);
        } catch (UnwritableValueException e) {
            throw e.fault();
        } catch (IOException e) {
            // writing to memory fails only on a bug
            throw new EsaException(ErrorCode.INTERNAL, "the " + call.name() + " call could not be written", e);
        }
        return out.toByteArray();
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/xml; charset=UTF-8")
                .header("Accept", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String authorization = config.credentials().authorization();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    /** One exchange: an answer of any status, or a transient failure; anything else is thrown. */
    private Attempt send(HttpRequest request, int attempt) throws HelperApiUnavailableException,
            HelperApiAnswerException {
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request,
                info -> new BoundedBodySubscriber(config.maxResponseBytes(), info.statusCode()));
        try {
            // The deadline covers the body: the request's own time-out ends when the headers arrive.
            return new Attempt(attempt, future.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Attempt(attempt, null, new HttpTimeoutException("no whole answer within "
                    + seconds(config.requestTimeout())));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new HelperApiUnavailableException("interrupted while waiting for the sync host", attempt, 0, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BoundedBodySubscriber.TooLarge) {
                int status = ((BoundedBodySubscriber.TooLarge) cause).status;
                throw new HelperApiAnswerException(ErrorCode.TOO_LARGE, "the Helper API answer is larger than "
                        + config.maxResponseBytes() + " bytes", status);
            }
            if (tls(cause)) {
                // a certificate the trust store does not accept stays unaccepted; retrying only delays
                throw new HelperApiUnavailableException("the TLS handshake with the sync host failed (is its "
                        + "certificate trusted?)", attempt, 0, cause);
            }
            if (cause instanceof IOException) {
                return new Attempt(attempt, null, (IOException) cause);
            }
            throw new HelperApiUnavailableException("the call to the sync host failed", attempt, 0, cause);
        }
    }

    private ApiResult answer(String callId, ApiCall call, HttpResponse<byte[]> response) throws EsaException {
        int status = response.statusCode();
        if (status / 100 != 2) {
            // A host fault document says why better than the status; without one, the status must do.
            try {
                reader.read(new ByteArrayInputStream(response.body()));
            } catch (EsaException fault) {
                if (!unreadable(fault)) {
                    throw fault;
                }
            }
            throw new HelperApiAnswerException(statusCode(status), "the Helper API answered " + call.name()
                    + " with HTTP " + status, status);
        }
        ApiResult result;
        try {
            result = reader.read(new ByteArrayInputStream(response.body()));
        } catch (EsaException fault) {
            if (unreadable(fault)) {
                throw new HelperApiAnswerException(ErrorCode.MALFORMED_REQUEST, fault.getMessage(), status);
            }
            throw fault;
        }
        if (!callId.equals(result.responseTo())) {
            throw new HelperApiAnswerException(ErrorCode.MALFORMED_REQUEST, "the Helper API answered call "
                    + result.responseTo() + " when call " + callId + " (" + call.name() + ") was sent", status);
        }
        return result;
    }

    private static boolean unreadable(EsaException fault) {
        return fault instanceof UnreadableAnswerException;
    }

    private static ErrorCode statusCode(int status) {
        if (status == 401 || status == 403) {
            return ErrorCode.UNAUTHORIZED;
        }
        return status == 413 ? ErrorCode.TOO_LARGE : ErrorCode.INTERNAL;
    }

    private static HelperApiAnswerException unusable(String message) {
        return new HelperApiAnswerException(ErrorCode.MALFORMED_REQUEST, message, 200);
    }

    private static boolean tls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    // Messages may reach the host in a fault, so they name what happened, not the JDK's classes.
    private String describe(IOException failure) {
        if (failure instanceof HttpConnectTimeoutException) {
            return "connecting timed out after " + seconds(config.connectTimeout());
        }
        if (failure instanceof HttpTimeoutException) {
            return "no whole answer within " + seconds(config.requestTimeout());
        }
        if (failure instanceof ConnectException) {
            return "the connection was refused";
        }
        return "the connection failed";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }

    private static <T> T required(String name, T value) {
        return Objects.requireNonNull(value, () -> name + " == null");
    }

    private static final class Attempt {
        final int attempt;
        final HttpResponse<byte[]> response;
        final IOException failure;

        Attempt(int attempt, HttpResponse<byte[]> response, IOException failure) {
            this.attempt = attempt;
            this.response = response;
            this.failure = failure;
        }
    }
}
