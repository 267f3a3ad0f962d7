package org.esabridge.server;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.JdbcAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus series of {@code /metrics} (Micrometer names → Prometheus names):
 * <ul>
 *   <li>{@code esa_calls_total{call,outcome}} — every request; call = the protocol's call name, or
 *       {@value CallTrace#UNREAD} when refused before its body was read; outcome = {@code ok}, a fault code,
 *       {@code BUSY}, {@code THROTTLED} or {@code SLOW_READER};</li>
 *   <li>{@code esa_call_duration_seconds{call}} — latency, with a percentile histogram (…_bucket);</li>
 *   <li>{@code esa_rows_served_total{call}} — records and ids written into answers;</li>
 *   <li>{@code esa_conflicts_total} — writes refused RECORD_MODIFIED;</li>
 *   <li>{@code esa_slow_readers_total} — answers abandoned because the client took them too slowly
 *       ({@link SlowReaderGuard});</li>
 *   <li>{@code esa_logins_failed_total}, {@code esa_cursors_open}, {@code esa_calls_in_flight};</li>
 *   <li>{@code esa_capture_*} — the binlog reader: leader, lag, events read, gaps ({@link #bindCapture});</li>
 *   <li>{@code hikaricp_connections_*} — the JDBC adapter's pool; {@code jvm_*}, {@code process_*}.</li>
 * </ul>
 * Labels only ever take values from closed sets (call names, codes), never request text, so a caller
 * cannot make the series grow. Structure names are in the call log instead.
 */
final class EsaMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(EsaMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter conflicts;
    private final Counter failedLogins;
    private final Counter slowReaders;

    EsaMetrics(CursorGauge cursors, IntSupplier inFlight) {
        conflicts = Counter.builder("esa.conflicts").description("writes refused RECORD_MODIFIED").register(registry);
        failedLogins = Counter.builder("esa.logins.failed").description("requests with wrong credentials")
                .register(registry);
        slowReaders = Counter.builder("esa.slow.readers")
                .description("answers abandoned because the client took them too slowly").register(registry);
        // Strong references: Micrometer holds a gauge's object weakly, and a lambda has no other holder.
        Gauge.builder("esa.cursors.open", cursors, CursorGauge::open).strongReference(true)
                .description("cursors handed out by this node, not closed, released or expired").register(registry);
        Gauge.builder("esa.calls.in.flight", inFlight, IntSupplier::getAsInt).strongReference(true)
                .description("calls being served").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Binds the connection pool's own metrics when the adapter is the JDBC adapter. */
    void bindPool(ExternalSystemAdapter adapter) {
        if (adapter instanceof JdbcAdapter jdbc && jdbc.dataSource() instanceof HikariDataSource pool) {
            try {
                pool.setMetricRegistry(registry);
            } catch (IllegalStateException e) {
                LOG.warn("connection pool metrics not available: {}", e.getMessage());
            }
        }
    }

    /**
     * Binds the binlog capture's series ({@code esa_capture_*}) when the adapter is the JDBC adapter; they read 0 while
     * it polls, or before its capture has started (a database unreachable at start).
     */
    void bindCapture(ExternalSystemAdapter adapter) {
        if (!(adapter instanceof JdbcAdapter jdbc)) {
            return;
        }
        Gauge.builder("esa.capture.leader", jdbc, j -> j.captureStatus() != null && j.captureStatus().leader() ? 1 : 0)
                .strongReference(true).description("1 while this node reads the database's log (binary log, replication slot)").register(registry);
        Gauge.builder("esa.capture.lag.seconds", jdbc, j -> j.captureStatus() == null ? 0 : j.captureStatus().lagSeconds())
                .strongReference(true).description("how long the oldest change read from the log has waited for the index")
                .register(registry);
        Gauge.builder("esa.capture.lag.events", jdbc, j -> j.captureStatus() == null ? 0 : j.captureStatus().lagEvents())
                .strongReference(true).description("row changes read from the log and not yet in the index")
                .register(registry);
        Gauge.builder("esa.capture.lag.bytes", jdbc, j -> j.captureStatus() == null ? 0 : j.captureStatus().lagBytes())
                .strongReference(true).description("PostgreSQL: write-ahead log the replication slot holds beyond what the"
                        + " reader confirmed (0 on MariaDB and on followers)")
                .register(registry);
        FunctionCounter.builder("esa.capture.events.read", jdbc,
                        j -> j.captureStatus() == null ? 0 : j.captureStatus().eventsRead())
                .description("binary log events read by this node").register(registry);
        FunctionCounter.builder("esa.capture.gaps", jdbc, j -> j.captureStatus() == null ? 0 : j.captureStatus().gaps())
                .description("gaps recorded: a purged or unreadable stretch of the binary log").register(registry);
        FunctionCounter.builder("esa.unwritable.left.out", jdbc, JdbcAdapter::unwritableLeftOut)
                .description("records and ids left out of answers because XML cannot carry a character of them, or the"
                        + " host would trim their id into another's")
                .register(registry);
    }

    void finished(CallTrace trace, long nanos) {
        Counter.builder("esa.calls").description("calls by name and outcome")
                .tag("call", trace.call).tag("outcome", trace.outcome).register(registry).increment();
        Timer.builder("esa.call.duration").description("time from request to answer")
                .tag("call", trace.call).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(Duration.ofNanos(nanos));
        if (trace.rows > 0) {
            Counter.builder("esa.rows.served").description("records and ids written into answers")
                    .tag("call", trace.call).register(registry).increment(trace.rows);
        }
        if (ErrorCode.RECORD_MODIFIED.name().equals(trace.outcome)) {
            conflicts.increment();
        } else if (SlowReaderGuard.OUTCOME.equals(trace.outcome)) {
            slowReaders.increment();
        }
    }

    void failedLogin() {
        failedLogins.increment();
    }

    /** The registry {@link #scrape} reads, for the status page's copy of the same numbers. */
    MeterRegistry registry() {
        return registry;
    }

    String scrape() {
        return registry.scrape();
    }

    void close() {
        registry.close();
    }
}
