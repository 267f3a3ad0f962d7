package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 §7, in a JVM of 256 MB (the {@code small-heap} surefire execution): the command-line ESA and the ESA
 * that dials out answer a getModified of 300 MB of values (2400 of 128 KB) — more than the heap — in full, their answers spooled
 * to the data directory instead of held in memory, and the spool is empty afterwards.
 */
@Tag("small-heap")
@Tag("database")
class LargeAnswersTest {
    private static final String DB = "esa_large_answers_test";
    private static final int ROWS = 2400;
    private static final int VALUE_BYTES = 128 * 1024;
    private static final String GET_MODIFIED = "<sync><esa-call call-id=\"7\"><getModified><structure>big</structure>"
            + "<after>2000-01-01T00:00:00Z</after></getModified></esa-call></sync>";
    private static final String RELEASE = "<sync><esa-call call-id=\"8\"><release/></esa-call></sync>";

    @TempDir
    Path dir;

    @BeforeAll
    static void fill() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB, "CREATE TABLE big (id INT PRIMARY KEY, body LONGTEXT NOT NULL,"
                + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
        for (int first = 1; first <= ROWS; first += 200) {
            TestDatabase.exec(DB, "INSERT INTO big (id, body) SELECT seq, REPEAT('x', " + VALUE_BYTES + ") FROM seq_"
                    + first + "_to_" + (first + 199));
        }
        assertTrue((long) ROWS * VALUE_BYTES > Runtime.getRuntime().maxMemory(), "the answer must exceed the heap");
    }

    /**
     * Rows of a size the driver can buffer a fetch of (500 rows); polling, as the binary-log reader's own bound on
     * huge transactions is not what this test is about.
     */
    private static org.esabridge.jdbc.JdbcAdapter adapter() {
        return TestDatabase.adapter(DB, JdbcAdapterConfig.CHANGE_CAPTURE, "polling", JdbcAdapterConfig.INLINE_THRESHOLD,
                Integer.toString(ROWS));
    }

    private ServerConfig config(Map<String, String> extra) {
        Map<String, String> values = new java.util.HashMap<>(extra);
        values.put(ServerSettings.DATA_DIR.name(), dir.resolve("data").toString());
        return ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
    }

    @Test
    void theCommandLineEsaAnswersMoreThanItsHeap() throws Exception {
        Counting out = new Counting();
        try (StdioEsa esa = StdioEsa.create(config(Map.of()), adapter())) {
            int exit = esa.serve(new ByteArrayInputStream((GET_MODIFIED + RELEASE).getBytes(StandardCharsets.UTF_8)),
                    out);
            assertEquals(StdioEsa.EXIT_DONE, exit);
        }
        assertTrue(out.xs >= (long) ROWS * VALUE_BYTES, "every value in full: " + out.xs);
        assertSpoolEmpty();
    }

    @Test
    void theEsaThatDialsOutPostsMoreThanItsHeap() throws Exception {
        AtomicBoolean handedOut = new AtomicBoolean();
        try (RawHttpHost host = new RawHttpHost(request -> {
            if (request.isPost()) {
                return "HTTP/1.1 204 No Content\r\n\r\n";
            }
            return handedOut.getAndSet(true) ? null : "HTTP/1.1 200 OK\r\nX-Esa-Call-Id: 7\r\n"
                    + "Content-Type: application/xml\r\nContent-Length: " + GET_MODIFIED.length() + "\r\n\r\n"
                    + GET_MODIFIED;
        });
             DialOutEsa esa = DialOutEsa.create(config(Map.of(ServerSettings.CONNECT.name(), host.url(),
                     ServerSettings.INSECURE_HTTP_CONNECT.name(), "true", ServerSettings.EXTERNAL_SYSTEM_ID.name(), "e2e",
                     ServerSettings.CONNECT_PARALLEL_CALLS.name(), "1")), adapter())) {
            esa.start();
            RawHttpHost.Request result = null;
            for (RawHttpHost.Request r = host.request(300); r != null; r = host.request(300)) {
                if (r.isPost()) {
                    result = r;
                    break;
                }
            }
            assertNotNull(result, "no result was posted");
            assertTrue(result.bodyBytes() > (long) ROWS * VALUE_BYTES, "bytes posted: " + result.bodyBytes());
            assertTrue(result.bodyStart().contains("response-to=\"7\""), result.bodyStart());
        }
        assertSpoolEmpty();
    }

    private void assertSpoolEmpty() throws IOException {
        Path spool = dir.resolve("data").resolve(CallExchange.SPOOL_DIR);
        if (Files.isDirectory(spool)) {
            try (Stream<Path> left = Files.list(spool)) {
                assertEquals(0, left.count(), "spooled answers are deleted once sent");
            }
        }
    }

    /** Standard output that keeps nothing: counts the value bytes ('x') that went by. */
    private static final class Counting extends OutputStream {
        long xs;

        @Override
        public void write(int b) {
            if (b == 'x') {
                xs++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] == 'x') {
                    xs++;
                }
            }
        }
    }
}
