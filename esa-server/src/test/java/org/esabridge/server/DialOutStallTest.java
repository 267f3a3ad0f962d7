package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host the ESA dials out to cannot hold its pollers (issue 25 §5): one that sends a poll's headers and part of
 * the call and then stalls, or stalls in its answer to a posted result, costs one failed poll or attempt, and
 * the one poller polls again. And plain http is refused unless named insecure, and then only on loopback. The
 * stalling host is a {@link RawHttpHost}, so these tests need {@code insecure-http-connect}.
 */
class DialOutStallTest {
    private static final String CALL = "<sync><esa-call call-id=\"7\"><getCurrentTime/></esa-call></sync>";

    @TempDir
    Path dir;

    @Test
    void aHostThatStallsInTheMiddleOfACallCostsOnePoll() throws Exception {
        try (RawHttpHost host = new RawHttpHost(request -> request.isGet()
                ? "HTTP/1.1 200 OK\r\nX-Esa-Call-Id: 7\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n"
                + CALL.substring(0, 20) : null);
             DialOutEsa esa = dialOut(host)) {
            esa.start();
            assertTrue(host.request(60).isGet());
            RawHttpHost.Request again = host.request(60);
            assertNotNull(again, "the one poller never polled again: the stalled body holds it");
            assertTrue(again.isGet(), again.head());
        }
    }

    @Test
    void aHostThatStallsItsAnswerToAResultCostsOneAttempt() throws Exception {
        try (RawHttpHost host = new RawHttpHost(request -> request.isGet()
                ? "HTTP/1.1 200 OK\r\nX-Esa-Call-Id: 7\r\nContent-Type: application/xml\r\nContent-Length: "
                + CALL.length() + "\r\n\r\n" + CALL
                : "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok");
             DialOutEsa esa = dialOut(host)) {
            esa.start();
            assertTrue(host.request(60).isGet());
            RawHttpHost.Request first = host.request(60);
            assertTrue(first != null && first.isPost(), String.valueOf(first));
            assertTrue(first.head().toLowerCase(Locale.ROOT).contains("x-esa-call-id: 7"), first.head());
            RawHttpHost.Request second = host.request(60);
            assertNotNull(second, "the stalled answer to the first attempt holds the poller");
            assertTrue(second.isPost(), second.head());
        }
    }

    @Test
    void plainHttpIsRefusedUnlessNamedInsecureAndOnlyOnLoopback() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> config("http://127.0.0.1:9/esa-host", false));
        assertTrue(refused.getMessage().contains("clear text"), refused.getMessage());
        assertTrue(refused.getMessage().contains(ServerSettings.INSECURE_HTTP_CONNECT.name()), refused.getMessage());
        refused = assertThrows(IllegalArgumentException.class, () -> config("http://192.0.2.1:9/esa-host", true));
        assertTrue(refused.getMessage().contains("loopback"), refused.getMessage());
        assertEquals("http", config("http://127.0.0.1:9/esa-host", true).connect().getScheme());
        assertEquals("https", config("https://192.0.2.1:9/esa-host", false).connect().getScheme());
    }

    private ServerConfig config(String connect, boolean insecure) {
        Map<String, String> values = new HashMap<>();
        values.put(ServerSettings.DATA_DIR.name(), dir.resolve("esa").toString());
        values.put(ServerSettings.EXTERNAL_SYSTEM_ID.name(), "e2e");
        values.put(ServerSettings.CONNECT.name(), connect);
        values.put(ServerSettings.CONNECT_PARALLEL_CALLS.name(), "1");
        values.put(ServerSettings.INSECURE_HTTP_CONNECT.name(), Boolean.toString(insecure));
        values.put(JdbcAdapterConfig.HELPER_TIMEOUT_SECONDS, "1");
        return ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
    }

    private DialOutEsa dialOut(RawHttpHost host) throws Exception {
        return DialOutEsa.create(config(host.url(), true), new FakeAdapter());
    }
}
