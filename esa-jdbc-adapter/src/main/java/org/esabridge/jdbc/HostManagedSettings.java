package org.esabridge.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ParameterType;
import org.esabridge.api.helper.HelperApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings the sync host may manage (issue 5, item 5): {@code page-size} and {@code inline-threshold}.
 * {@link #meta()} describes them for {@code getParametersMeta}; at every {@code startSync} {@link #refresh}
 * reads the values the host stores ({@code getParameter}) and applies them.
 *
 * <p>Only these two: they shape answers, never what is exposed or how changes are captured, so a wrong value
 * from the host costs speed, never data or access. Structures, writability, delete strategies and everything
 * about credentials stay in the configuration file. A host that stores no value (or an empty one) gets the
 * file's value back; a value out of range, or a host that cannot be asked, leaves the current value and
 * logs a warning: a sync never fails over a tuning knob.
 */
final class HostManagedSettings {
    private static final Logger LOG = LoggerFactory.getLogger(HostManagedSettings.class);

    private static final Executor REFRESHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "esa-host-settings");
        t.setDaemon(true);
        return t;
    });

    private final JdbcAdapterConfig file;
    private CompletableFuture<Void> inFlight;
    private volatile int pageSize;
    private volatile int inlineThreshold;

    HostManagedSettings(JdbcAdapterConfig file) {
        this.file = file;
        this.pageSize = file.pageSize();
        this.inlineThreshold = file.inlineThreshold();
    }

    int pageSize() {
        return pageSize;
    }

    int inlineThreshold() {
        return inlineThreshold;
    }

    List<EsaParameter> meta() {
        return List.of(
                integer(JdbcAdapterConfig.PAGE_SIZE, "Records per cursor page (100-10000)", file.pageSize()),
                integer(JdbcAdapterConfig.INLINE_THRESHOLD,
                        "Most changes answered inline before a cursor is needed (0-1000000)", file.inlineThreshold()));
    }

    private static EsaParameter integer(String name, String label, int fileValue) {
        return new EsaParameter(name, label, ParameterType.INTEGER, false, false, List.of(Integer.toString(fileValue)),
                List.of());
    }

    /**
     * {@link #refresh} on its own thread, waited for at most {@code wait}: the host is in the middle of its
     * {@code startSync} call to us, and a host that answers one request at a time could not answer ours until
     * that call returns. A refresh that takes longer still applies, to the calls after it; one runs at a time.
     */
    void refreshAtStartSync(HelperApi host, Duration wait) {
        CompletableFuture<Void> running;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.runAsync(() -> refresh(host), REFRESHER);
            }
            running = inFlight;
        }
        try {
            running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("the sync host has not answered getParameter within {} ms; its settings apply when it does",
                    wait.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("reading the host-managed settings failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the host for each managed setting and applies what it stores. */
    void refresh(HelperApi host) {
        pageSize = fetch(host, JdbcAdapterConfig.PAGE_SIZE, pageSize, file.pageSize());
        inlineThreshold = fetch(host, JdbcAdapterConfig.INLINE_THRESHOLD, inlineThreshold, file.inlineThreshold());
    }

    private static int fetch(HelperApi host, String name, int current, int fileValue) {
        List<String> values;
        try {
            values = host.getParameter(name);
        } catch (EsaException e) {
            LOG.warn("could not read setting {} from the sync host ({}: {}); keeping {}", name, e.code(),
                    e.getMessage(), current);
            return current;
        }
        if (values.isEmpty() || values.get(0).isBlank()) {
            return fileValue;
        }
        try {
            int value = JdbcAdapterConfig.parseHostManaged(name, values.get(0));
            if (value != current) {
                LOG.info("setting {} is now {}, as the sync host stores it", name, value);
            }
            return value;
        } catch (IllegalArgumentException e) {
            LOG.warn("the sync host's value of {} is refused ({}); keeping {}", name, e.getMessage(), current);
            return current;
        }
    }
}
