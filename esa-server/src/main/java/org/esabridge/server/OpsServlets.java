package org.esabridge.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.JdbcAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's endpoints. {@code /health} and {@code /ready} need no credentials and say nothing but
 * one word: a load balancer or orchestrator must reach them, a stranger must learn nothing from them.
 */
final class OpsServlets {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServlets.class);

    private OpsServlets() {
    }

    private static void text(HttpServletResponse response, int status, String body, String contentType)
            throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Liveness: 200 while the process serves HTTP at all. */
    static final class Health extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            text(response, 200, "ok\n", "text/plain; charset=UTF-8");
        }
    }

    /**
     * Readiness: 200 when, in log mode, the reader on this node lags by at most {@code capture-max-lag-seconds}
     * (PostgreSQL: its slot too, received or not) and the database answered a trivial query ({@code getCurrentTime})
     * within {@link #PROBE_TIMEOUT_MS}, else 503. The lag is looked at first: a lagging reader would hold the fence
     * the query waits for. At most one probe runs at a time and its answer is reused for {@link #CACHE_MS}, so that
     * hammering /ready cannot load the database.
     */
    static final class Ready extends HttpServlet implements AutoCloseable {
        private static final long serialVersionUID = 1L;
        static final long PROBE_TIMEOUT_MS = 2_000;
        static final long CACHE_MS = 1_000;

        private final transient ExternalSystemAdapter adapter;
        private final transient ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "esa-ready-probe");
            t.setDaemon(true);
            return t;
        });
        private transient CompletableFuture<Boolean> probe;
        private long probedAt;

        Ready(ExternalSystemAdapter adapter) {
            this.adapter = adapter;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean ready;
            try {
                ready = currentProbe().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ready = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ready = false;
            } catch (java.util.concurrent.ExecutionException e) {
                ready = false;
            }
            text(response, ready ? 200 : 503, ready ? "ready\n" : "not ready\n", "text/plain; charset=UTF-8");
        }

        private synchronized CompletableFuture<Boolean> currentProbe() {
            long now = System.nanoTime();
            boolean fresh = probe != null && (!probe.isDone() || now - probedAt < CACHE_MS * 1_000_000);
            if (!fresh) {
                probedAt = now;
                probe = CompletableFuture.supplyAsync(() -> {
                    try {
                        // A lagging reader is not ready, or the host would wait up to the fence's time-out on every
                        // call; looked at first, since it would hold getCurrentTime too.
                        if (adapter instanceof JdbcAdapter jdbc && jdbc.captureStatus() != null
                                && !jdbc.captureStatus().healthy(jdbc.config().captureMaxLagSeconds())) {
                            return false;
                        }
                        adapter.getCurrentTime();
                        return true;
                    } catch (Exception e) {
                        LOG.debug("readiness probe failed: {}", e.getMessage());
                        return false;
                    }
                }, prober);
            }
            return probe;
        }

        @Override
        public void close() {
            prober.shutdownNow();
        }
    }

    /** Prometheus text format. */
    static final class Metrics extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient EsaMetrics metrics;

        Metrics(EsaMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            text(response, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
        }
    }

    /**
     * The operator's page: {@code status.html} with the {@link StatusBoard}'s data written into it, so one GET (with
     * whatever credentials {@code /metrics} takes) gives a page that renders without another request — also saved
     * and opened offline. The policy forbids the page every fetch.
     */
    static final class Status extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final String PLACEHOLDER = "/*STATUS*/";
        private final transient StatusBoard board;
        private final String page;

        Status(StatusBoard board) {
            this.board = board;
            try (InputStream in = OpsServlets.class.getResourceAsStream("status.html")) {
                this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("status.html is missing from the jar", e);
            }
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setHeader("Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
            text(response, 200, page.replace(PLACEHOLDER, board.json()), "text/html; charset=UTF-8");
        }
    }
}
