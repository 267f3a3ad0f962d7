package org.esabridge.api.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deletion reports: kept in order, flushed before the next call, never lost while the host is down. */
class DeletionReporterTest {
    private static final Pattern ID = Pattern.compile("<id>([^<]*)</id>");
    private static final Instant AT = Instant.parse("2026-11-23T05:46:31.123456Z");

    @StartStop
    private final MockWebServer host = new MockWebServer();

    /** A host that can be taken down (503) and brought back; it remembers the ids of delivered reports. */
    private final SwitchableHost switchable = new SwitchableHost();
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Logger log = Logger.getLogger(DeletionReporter.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private HelperApi api;

    @BeforeEach
    void setUp() {
        host.setDispatcher(switchable);
        log.addHandler(capture);
        api = new HttpHelperApi(Clients.config(host).maxAttempts(1).build());
    }

    @AfterEach
    void tearDown() {
        log.removeHandler(capture);
    }

    private static final class SwitchableHost extends Dispatcher {
        volatile boolean up = true;
        volatile String refusedId;
        volatile String delayedId;
        volatile String channelFault;
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> delivered = Collections.synchronizedList(new ArrayList<>());

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String body = Exchanges.body(request);
            if (!up) {
                return Exchanges.xml(503, "");
            }
            String callId = Exchanges.callId(body);
            String name = body.contains("<trackRecordDeletion>") ? "trackRecordDeletion" : "other";
            calls.add(name);
            if (channelFault != null) {
                return Exchanges.xml(200, Exchanges.result(callId, "<exception type=\"EsaException\" code=\""
                        + channelFault + "\"><message>no</message></exception>"));
            }
            Matcher id = ID.matcher(body);
            if (id.find()) {
                if (id.group(1).equals(refusedId)) {
                    return Exchanges.xml(200, Exchanges.result(callId, "<exception type=\"EsaException\" "
                            + "code=\"UNKNOWN_STRUCTURE\"><message>structure gone</message></exception>"));
                }
                if (id.group(1).equals(delayedId)) {
                    return Exchanges.xml(200, Exchanges.result(callId, "<exception type=\"EsaRecordDelayedException\" "
                            + "code=\"INTERNAL\"><message>later</message><token>t-1</token></exception>"));
                }
                if (name.equals("trackRecordDeletion")) {
                    delivered.add(id.group(1));
                }
            }
            return Exchanges.xml(200, Exchanges.result(callId, name.equals("other") ? "<value>true</value>" : ""));
        }
    }

    @Test
    void reportsWaitForTheFlushAndGoInTheOrderReported() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "3");
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "orders", "2");
        assertEquals(0, host.getRequestCount());
        assertEquals(3, reporter.pending());

        assertEquals(3, reporter.flush());

        assertEquals(List.of("3", "1", "2"), switchable.delivered);
        assertEquals(0, reporter.pending());
        assertEquals(0, reporter.flush(), "nothing is sent twice");
        assertEquals(3, host.getRequestCount());
    }

    @Test
    void aFlushBeforeTheNextCallDeliversEveryPendingReportFirst() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "7");
        reporter.report(AT, "contacts", "8");

        // what the server does for every incoming ESA call, before processing it
        assertTrue(reporter.flushWithin(Duration.ofSeconds(10)));
        api.isKnownId("contacts", "9");

        assertEquals(List.of("trackRecordDeletion", "trackRecordDeletion", "other"), switchable.calls);
        assertEquals(List.of("7", "8"), switchable.delivered);
    }

    @Test
    void reportsSurviveAHostOutageAndGoAtTheNextFlushWithoutDuplicates() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "1");
        reporter.flush();
        reporter.report(AT, "contacts", "2");
        reporter.report(AT, "contacts", "3");
        switchable.up = false;

        assertThrows(HelperApiUnavailableException.class, reporter::flush);
        assertEquals(2, reporter.pending());

        switchable.up = true;
        reporter.report(AT, "contacts", "4");
        assertEquals(3, reporter.flush());
        assertEquals(List.of("1", "2", "3", "4"), switchable.delivered);
    }

    @Test
    void aBoundedFlushReportsTheHostsFaultAndKeepsTheReportsForTheNextCall() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "contacts", "2");
        switchable.up = false;

        assertThrows(HelperApiUnavailableException.class, () -> reporter.flushWithin(Duration.ofSeconds(10)));
        assertEquals(2, reporter.pending());

        switchable.up = true;
        assertTrue(reporter.flushWithin(Duration.ofSeconds(10)));
        assertEquals(List.of("1", "2"), switchable.delivered);
    }

    /**
     * Issue 11 §7: a host that takes a report and does not answer costs the next call the bound only, later
     * calls nothing; when the host answers at last, every report arrives once and in order, including those
     * made meanwhile.
     */
    @Test
    void aHostThatDoesNotAnswerHoldsOneCallForTheBoundOnlyAndStillGetsEveryReportInOrder() throws Exception {
        CountDownLatch hostAnswers = new CountDownLatch(1);
        CountDownLatch firstReportArrived = new CountDownLatch(1);
        List<String> arrived = Collections.synchronizedList(new ArrayList<>());
        host.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                String body = Exchanges.body(request);
                Matcher id = ID.matcher(body);
                arrived.add(id.find() ? id.group(1) : "?");
                firstReportArrived.countDown();
                hostAnswers.await(60, TimeUnit.SECONDS);
                return Exchanges.xml(200, Exchanges.result(Exchanges.callId(body), ""));
            }
        });
        // The host's silence outlasts the test's patience: only the bound can let a call go on.
        HelperApi silentHost = new HttpHelperApi(Clients.config(host).maxAttempts(1)
                .requestTimeout(Duration.ofSeconds(60)).build());
        DeletionReporter reporter = new DeletionReporter(silentHost, 100);
        Duration bound = Duration.ofMillis(1000);
        try {
            reporter.report(AT, "contacts", "1");
            reporter.report(AT, "contacts", "2");

            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reporter.flushWithin(bound)),
                    "the call proceeds after the bound although the host has not answered");
            assertTrue(firstReportArrived.await(10, TimeUnit.SECONDS));
            long later = System.nanoTime();
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reporter.flushWithin(bound)));
            long laterMillis = (System.nanoTime() - later) / 1_000_000;
            assertTrue(laterMillis < bound.toMillis(), "a later call does not wait again: " + laterMillis + " ms");
            reporter.report(AT, "contacts", "3"); // made while the host still hangs
            assertEquals(List.of("1"), arrived, "one sender at a time");

            hostAnswers.countDown();
            assertTrue(reporter.flushWithin(Duration.ofSeconds(30)), "the late sending ends, then 3 goes too");
            assertEquals(List.of("1", "2", "3"), arrived);
            assertEquals(0, reporter.pending());
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("deletion reports: the sync host has not taken them within 1000 ms"),
                    warnings.get(0));
        } finally {
            hostAnswers.countDown();
            reporter.close();
        }
    }

    @Test
    void atTheBoundReportFlushesAndWhenTheHostIsDownKeepsEverythingAndWarns() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 2);
        switchable.up = false;

        reporter.report(AT, "contacts", "1");
        assertEquals(0, host.getRequestCount());
        reporter.report(AT, "contacts", "2");
        assertEquals(1, host.getRequestCount(), "the bound triggers a flush");
        reporter.report(AT, "contacts", "3");
        assertEquals(1, host.getRequestCount(), "no flush between multiples of the bound");
        reporter.report(AT, "contacts", "4");
        assertEquals(2, host.getRequestCount());

        assertEquals(4, reporter.pending(), "nothing dropped");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("deletion reports: the bound of 2 is hit and 2 reports are pending"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("4 reports are pending"), warnings.get(1));

        switchable.up = true;
        assertEquals(4, reporter.flush());
        assertEquals(List.of("1", "2", "3", "4"), switchable.delivered);
    }

    @Test
    void atTheBoundWithTheHostUpReportDeliversSilently() {
        DeletionReporter reporter = new DeletionReporter(api, 2);
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "contacts", "2");
        assertEquals(0, reporter.pending());
        assertEquals(List.of("1", "2"), switchable.delivered);
        assertEquals(List.of(), warnings);
    }

    @Test
    void aReportTheHostRefusesIsDiscardedWithAWarningAndTheRestStillGo() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        switchable.refusedId = "bad";
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "gone", "bad");
        reporter.report(AT, "contacts", "2");

        assertEquals(2, reporter.flush());

        assertEquals(List.of("1", "2"), switchable.delivered);
        assertEquals(0, reporter.pending());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("deletion report of gone bad discarded: the sync host refused it with "
                + "UNKNOWN_STRUCTURE"), warnings.get(0));
    }

    @Test
    void aReportTheHostAcceptsForLaterCountsAsDeliveredWithoutWarning() throws EsaException {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        switchable.delayedId = "slow";
        reporter.report(AT, "contacts", "slow");
        reporter.report(AT, "contacts", "2");
        assertEquals(2, reporter.flush());
        assertEquals(0, reporter.pending());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFaultAboutTheChannelKeepsTheReports() {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        switchable.channelFault = "UNAUTHORIZED";
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "contacts", "2");

        EsaException e = assertThrows(EsaException.class, reporter::flush);

        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertEquals(2, reporter.pending());
        assertEquals(1, host.getRequestCount(), "the flush stops at the first failure");
    }

    @Test
    void closeFlushesAndThenRefusesReports() {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "1");
        reporter.close();
        assertEquals(List.of("1"), switchable.delivered);
        assertThrows(IllegalStateException.class, () -> reporter.report(AT, "contacts", "2"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void closeWithTheHostDownSaysHowManyReportsAreLost() {
        DeletionReporter reporter = new DeletionReporter(api, 100);
        reporter.report(AT, "contacts", "1");
        reporter.report(AT, "contacts", "2");
        switchable.up = false;
        reporter.close();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("deletion reports: 2 reports could not be delivered before shutdown"),
                warnings.get(0));
    }

    @Test
    void concurrentReportersAndFlushersDeliverEveryReportOnceInEachThreadsOrder() throws Exception {
        DeletionReporter reporter = new DeletionReporter(api, 16);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                String thread = "t" + t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        reporter.report(AT, "contacts", thread + "-" + i);
                    }
                    return null;
                }));
            }
            work.add(pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    reporter.flush();
                }
                return null;
            }));
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        reporter.flush();

        List<String> delivered = new ArrayList<>(switchable.delivered);
        assertEquals(75, delivered.size());
        assertEquals(75, delivered.stream().distinct().count());
        for (int t = 0; t < 3; t++) {
            String prefix = "t" + t + "-";
            List<String> mine = delivered.stream().filter(id -> id.startsWith(prefix)).collect(
                    java.util.stream.Collectors.toList());
            for (int i = 0; i < 25; i++) {
                assertEquals(prefix + i, mine.get(i));
            }
        }
    }
}
