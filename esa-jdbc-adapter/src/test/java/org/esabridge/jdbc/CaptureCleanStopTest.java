package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A clean stop gives the log capture's lease back, also when it runs at JVM exit as the server's does (a shutdown
 * hook, on SIGTERM or Ctrl-C): a real child JVM leads, is told to exit, and its hook closes the adapter. The lease is
 * free afterwards, so the next start reads at once instead of taking the lease over from a node that had stopped
 * (PostgreSQL: "slot … has no reader … this node takes over" after two looks; MariaDB: after the lease's time to live).
 * At JVM exit the lease was left to expire.
 */
@Tag("database")
class CaptureCleanStopTest {
    private static final String LEASE = "binlog-capture";

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void aCleanStopAtJvmExitGivesTheLeaseBackAndTheNextStartReadsAtOnce(String engine) throws Exception {
        EngineFixture fixture = engine.equals("postgres") ? EngineFixture.POSTGRES_LOG : EngineFixture.MARIADB_BINLOG;
        String db = "esa_clean_stop_" + engine + "_test";
        fixture.fresh(db);
        fixture.exec(db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + fixture.modifiedColumn() + ")");
        fixture.exec(db, fixture.stampedOnUpdate("item").toArray(String[]::new));
        Map<String, String> settings = fixture.settings(db);
        String leaseTable = fixture.postgres() ? "esa.esa_lease" : "esa_lease";

        Path childLog = Files.createTempFile("esa-clean-stop", ".log");
        Process node = null;
        try {
            node = LeadingChild.start(Node.class, childLog, settings.get(JdbcAdapterConfig.JDBC_URL),
                    settings.get(JdbcAdapterConfig.JDBC_USER), settings.get(JdbcAdapterConfig.JDBC_PASSWORD),
                    fixture.capture);
            String holder = holder(fixture, db, leaseTable);
            assertTrue(holder != null, "the child holds the lease");
            try (OutputStream stop = node.getOutputStream()) {
                stop.write("stop\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the child exits");
            assertEquals(0, node.exitValue(), "a clean exit (its log: " + childLog + ")");
            assertNull(holder(fixture, db, leaseTable), "the lease is given back at a clean stop (was held by " + holder
                    + ")");
        } finally {
            if (node != null) {
                node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(childLog);
        }

        long started = System.nanoTime();
        try (JdbcAdapter next = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null))) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!next.captureStatus().leader()) {
                assertTrue(System.nanoTime() < deadline, "the next start never read the log");
                Thread.onSpinWait();
            }
            System.out.printf("%s: the next start reads after %d ms%n", engine,
                    (System.nanoTime() - started) / 1_000_000);
            assertEquals(0, next.captureStatus().gaps(), "no gap: the slot and the stored position carry on");
        }
    }

    /** The lease's holder, or null when it is free or expired. */
    private static String holder(EngineFixture fixture, String db, String leaseTable) throws Exception {
        try (Connection c = fixture.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM " + leaseTable + " WHERE name = '" + LEASE + "' AND"
                     + " expires_at >= " + (fixture.postgres() ? "now()" : "NOW(6)"))) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * The child JVM: a node on the database ({@code url user password change-capture}) that stops as the server does,
     * closing its adapter in a shutdown hook; it says so once it reads the log ({@link LeadingChild}), and exits at a line on its
     * standard input.
     */
    static final class Node {
        public static void main(String[] args) throws Exception {
            Map<String, String> m = new HashMap<>();
            m.put(JdbcAdapterConfig.JDBC_URL, args[0]);
            m.put(JdbcAdapterConfig.JDBC_USER, args[1]);
            m.put(JdbcAdapterConfig.JDBC_PASSWORD, args[2]);
            m.put(JdbcAdapterConfig.CHANGE_CAPTURE, args[3]);
            JdbcAdapter node = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(m, null));
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "esa-shutdown"));
            LeadingChild.announce(node);
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            System.exit(0);
        }
    }
}
