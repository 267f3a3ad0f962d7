package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** startSync, configure, getCurrentTime and friends; the demo schema; an unreachable database. */
@Tag("database")
class SessionCallsTest {
    private static final Session HOST = new Session("host");

    @Test
    void configureKeepsTheFirstIdUnlessForcedAndSurvivesARestart() throws Exception {
        TestDatabase.freshSchema("esa_session_test");
        try (JdbcAdapter a = TestDatabase.adapter("esa_session_test")) {
            assertEquals("1.0", a.startSync(HOST, "anything"), "not configured yet: any id");
            assertEquals("sys-1", a.configure(" sys-1 ", false));
            assertEquals("sys-1", a.configure("sys-2", false));
            assertEquals(ErrorCode.UNAUTHORIZED, assertThrows(EsaException.class, () -> a.startSync(HOST, "sys-2")).code());
            assertEquals(ErrorCode.INVALID_VALUE, assertThrows(EsaException.class, () -> a.configure(" ", true)).code());
        }
        try (JdbcAdapter a = TestDatabase.adapter("esa_session_test")) {
            assertEquals("sys-1", a.configure("sys-3", false), "stored in the database");
            assertEquals("sys-3", a.configure("sys-3", true));
            assertEquals("1.0", a.startSync(HOST, "sys-3"));
            a.endSync(HOST);
            a.release(HOST);
            assertEquals(ExternalSystemAdapter.RUN_MODE_MANUAL | ExternalSystemAdapter.RUN_MODE_SYNC_ACTIONS,
                    a.getAllowedRunModes());
            // the settings the host may manage, with this configuration's values as defaults
            assertEquals(List.of("page-size", "inline-threshold"),
                    a.getParametersMeta("en").stream().map(p -> p.name()).toList());
        }
    }

    @Test
    void currentTimeIsTheDatabaseClockInUtcWithMicroseconds() throws Exception {
        TestDatabase.freshSchema("esa_clock_test");
        try (JdbcAdapter a = TestDatabase.adapter("esa_clock_test")) {
            Instant t = a.getCurrentTime();
            assertTrue(Duration.between(t, Instant.now()).abs().toSeconds() < 5, "UTC, not the JVM's zone: " + t);
            boolean sawMicros = false;
            for (int i = 0; i < 20 && !sawMicros; i++) {
                sawMicros = a.getCurrentTime().getNano() % 1000 == 0 && a.getCurrentTime().getNano() % 1_000_000 != 0;
            }
            assertTrue(sawMicros, "microsecond digits");
        }
    }

    @Test
    void demoSchemaIsCreatedOnceWritableAndRelated() throws Exception {
        TestDatabase.freshSchema("esa_demo_test");
        try (JdbcAdapter a = TestDatabase.adapter("esa_demo_test", "demo", "true")) {
            assertEquals(List.of(new ExternalStructure("customers", "customers", true),
                    new ExternalStructure("orders", "orders", true),
                    new ExternalStructure("products", "products", true)), a.getStructureList());
            assertEquals(2, a.getRelations("orders", "en").size());
            ExternalRecord ada = a.read("customers", "1");
            assertEquals("Ada Lovelace", ada.field("name").text());
            assertEquals("24.90", a.read("products", "BOOK-001").field("price").text());
            a.update(HOST, "customers", ada.modifiedAt(), new ExternalRecord("1", null,
                    List.of(new FieldValue("phone", null))));
            a.delete(HOST, "orders", Instant.now(), "3");
        }
        try (JdbcAdapter a = TestDatabase.adapter("esa_demo_test", "demo", "true")) {
            assertEquals(null, a.read("customers", "1").field("phone").text(), "edits survive a restart");
            assertEquals(ErrorCode.RECORD_NOT_FOUND, assertThrows(EsaException.class, () -> a.read("orders", "3")).code());
        }
    }

    @Test
    void anUnreachableDatabaseAnswersDatabaseUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(Map.of(
                JdbcAdapterConfig.JDBC_URL, "jdbc:mariadb://127.0.0.1:" + port + "/nothing",
                JdbcAdapterConfig.JDBC_USER, "u", JdbcAdapterConfig.JDBC_PASSWORD, "secret-pw"), null);
        try (JdbcAdapter a = JdbcAdapter.start(config)) {
            EsaException e = assertThrows(EsaException.class, a::getCurrentTime);
            assertEquals(ErrorCode.DATABASE_UNAVAILABLE, e.code());
            assertFalse(e.getMessage().contains("secret-pw"));
            assertFalse(e.getMessage().contains("127.0.0.1"), "no connection details: " + e.getMessage());
        }
    }
}
