package org.esabridge.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.capture.CaptureStatus;

/**
 * What the operator's page {@code /status} shows ({@link StatusPage}): the capture's mode and its lag over the
 * last hour, the calls per structure, the last calls and the last faults, and the counters of {@code /metrics}
 * read from the same registry — so the page and a scrape taken at the same moment agree. Only what the call log
 * may hold is kept (no field values, no credentials), and a bounded amount of it.
 */
final class StatusBoard {
    static final int RECENT_CALLS = 20;
    static final int RECENT_FAULTS = 20;
    /** One lag sample every {@value #SAMPLE_SECONDS} s, an hour of them. */
    static final int SAMPLE_SECONDS = 10;
    static final int SAMPLES = 3600 / SAMPLE_SECONDS;
    /** Structure names come from requests; past this many the rest are counted under one row. */
    static final int MAX_STRUCTURES = 200;
    static final String OTHER_STRUCTURES = "(others)";

    /** One finished call as the page lists it. */
    record RecentCall(Instant at, String call, String structure, String principal, String outcome, int status,
                      long millis, long rows) {
    }

    /** Calls and rows served for one structure since start. */
    record StructureCount(long calls, long rows) {
    }

    /** The capture lag at one moment. */
    record LagSample(Instant at, double lagSeconds) {
    }

    private final ExternalSystemAdapter adapter;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Deque<RecentCall> recent = new ArrayDeque<>();
    private final Deque<RecentCall> faults = new ArrayDeque<>();
    private final Map<String, StructureCount> structures = new TreeMap<>();
    private final Deque<LagSample> lag = new ArrayDeque<>();
    private final Instant started;
    private ScheduledExecutorService sampler;

    StatusBoard(ExternalSystemAdapter adapter, MeterRegistry registry, Clock clock) {
        this.adapter = adapter;
        this.registry = registry;
        this.clock = clock;
        this.started = clock.instant();
    }

    synchronized void finished(CallTrace trace, long nanos) {
        RecentCall call = new RecentCall(clock.instant(), trace.call, trace.structure, trace.principal, trace.outcome,
                trace.status, TimeUnit.NANOSECONDS.toMillis(nanos), trace.rows);
        push(recent, call, RECENT_CALLS);
        if (!CallTrace.OK.equals(trace.outcome)) {
            push(faults, call, RECENT_FAULTS);
        }
        if (trace.structure != null) {
            String name = structures.containsKey(trace.structure) || structures.size() < MAX_STRUCTURES
                    ? trace.structure : OTHER_STRUCTURES;
            StructureCount count = structures.getOrDefault(name, new StructureCount(0, 0));
            structures.put(name, new StructureCount(count.calls() + 1, count.rows() + trace.rows));
        }
    }

    /** Samples the lag now and every {@value #SAMPLE_SECONDS} s until {@link #close}. */
    synchronized void startSampling() {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "esa-status-sampler");
                thread.setDaemon(true);
                return thread;
            });
            sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        }
    }

    synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** Notes the capture's lag now; called every {@value #SAMPLE_SECONDS} s. */
    synchronized void sample() {
        CaptureStatus capture = capture();
        push(lag, new LagSample(clock.instant(), capture == null ? 0 : capture.lagSeconds()), SAMPLES);
    }

    private static <T> void push(Deque<T> deque, T item, int max) {
        deque.addFirst(item);
        while (deque.size() > max) {
            deque.removeLast();
        }
    }

    private CaptureStatus capture() {
        return adapter instanceof JdbcAdapter jdbc ? jdbc.captureStatus() : null;
    }

    /** The page's data as one JSON object (see status.html for its reader). */
    synchronized String json() {
        Json json = new Json();
        json.open();
        json.field("now", clock.instant().toString());
        json.field("started", started.toString());
        CaptureStatus capture = capture();
        json.field("captureMode", adapter instanceof JdbcAdapter jdbc && jdbc.captureMode() != null
                ? jdbc.captureMode().name().toLowerCase(java.util.Locale.ROOT) : "none");
        json.field("captureLeader", capture != null && capture.leader());
        json.key("lag").openArray();
        List<LagSample> samples = new ArrayList<>(lag);
        java.util.Collections.reverse(samples);
        for (LagSample sample : samples) {
            json.open().field("at", sample.at().toString()).field("seconds", sample.lagSeconds()).close();
        }
        json.closeArray();
        json.key("metrics").openArray();
        for (String[] metric : metrics()) {
            json.open().field("name", metric[0]).field("value", Double.parseDouble(metric[1])).close();
        }
        json.closeArray();
        json.key("structures").openArray();
        structures.forEach((name, count) ->
                json.open().field("name", name).field("calls", count.calls()).field("rows", count.rows()).close());
        json.closeArray();
        calls(json, "recent", recent);
        calls(json, "faults", faults);
        json.close();
        return json.toString();
    }

    private static void calls(Json json, String key, Deque<RecentCall> calls) {
        json.key(key).openArray();
        for (RecentCall call : calls) {
            json.open().field("at", call.at().toString()).field("call", call.call()).field("structure", call.structure())
                    .field("principal", call.principal()).field("outcome", call.outcome()).field("status", call.status())
                    .field("ms", call.millis()).field("rows", call.rows()).close();
        }
        json.closeArray();
    }

    /**
     * The esa_ series of {@code /metrics}, as Prometheus names them ({@code esa_calls_total{call="…",outcome="…"}})
     * with their values now, read from the registry the scrape reads.
     */
    List<String[]> metrics() {
        List<String[]> metrics = new ArrayList<>();
        registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("esa."))
                .sorted(java.util.Comparator.comparing((io.micrometer.core.instrument.Meter m) -> m.getId().getName())
                        .thenComparing(m -> m.getId().getTags().toString()))
                .forEach(meter -> {
                    String base = meter.getId().getName().replace('.', '_');
                    StringBuilder labels = new StringBuilder();
                    meter.getId().getTags().forEach(tag -> labels.append(labels.length() == 0 ? "{" : ",")
                            .append(tag.getKey()).append("=\"").append(tag.getValue()).append('"'));
                    String shown = labels.length() == 0 ? "" : labels.append('}').toString();
                    if (meter instanceof Counter counter) {
                        metrics.add(new String[] {base + "_total" + shown, Double.toString(counter.count())});
                    } else if (meter instanceof FunctionCounter counter) {
                        metrics.add(new String[] {base + "_total" + shown, Double.toString(counter.count())});
                    } else if (meter instanceof Gauge gauge) {
                        metrics.add(new String[] {base + shown, Double.toString(gauge.value())});
                    } else if (meter instanceof Timer timer) {
                        metrics.add(new String[] {base + "_seconds_count" + shown, Double.toString(timer.count())});
                        metrics.add(new String[] {base + "_seconds_sum" + shown,
                                Double.toString(timer.totalTime(TimeUnit.SECONDS))});
                    }
                });
        return metrics;
    }

    /** Just enough JSON: objects, arrays, strings, numbers, booleans; text escaped so it cannot end a script. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder();
        private boolean first = true;

        Json open() {
            separate();
            out.append('{');
            first = true;
            return this;
        }

        Json close() {
            out.append('}');
            first = false;
            return this;
        }

        Json openArray() {
            out.append('[');
            first = true;
            return this;
        }

        Json closeArray() {
            out.append(']');
            first = false;
            return this;
        }

        Json key(String key) {
            separate();
            string(key);
            out.append(':');
            first = true; // the value follows without a comma
            return this;
        }

        Json field(String key, Object value) {
            key(key);
            first = false;
            if (value == null) {
                out.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                double number = value instanceof Number n ? n.doubleValue() : 0;
                out.append(value instanceof Number && (Double.isNaN(number) || Double.isInfinite(number)) ? "null" : value);
            } else {
                string(value.toString());
            }
            return this;
        }

        private void separate() {
            if (!first) {
                out.append(',');
            }
            first = false;
        }

        private void string(String text) {
            out.append('"');
            for (char c : text.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
