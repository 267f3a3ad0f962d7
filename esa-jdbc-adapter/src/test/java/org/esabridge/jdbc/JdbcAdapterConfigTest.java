package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.esabridge.api.config.Setting;
import org.junit.jupiter.api.Test;

class JdbcAdapterConfigTest {
    private static final Path DATA = Path.of("esa-data");

    private static IllegalArgumentException refused(Map<String, String> settings) {
        return assertThrows(IllegalArgumentException.class, () -> JdbcAdapterConfig.fromSettings(settings, DATA));
    }

    @Test
    void defaults() {
        JdbcAdapterConfig c = JdbcAdapterConfig.fromSettings(Map.of(), DATA);
        assertNull(c.jdbcUrl());
        assertEquals("esa", c.database());
        assertEquals(5000, c.pageSize());
        assertEquals(1000, c.inlineThreshold());
        assertEquals(30, c.tombstoneRetentionDays());
        assertEquals(30, c.cursorTimeoutMinutes());
        assertEquals(300, c.watermarkFallbackLagSeconds());
        assertEquals(Duration.ofMillis(2000), c.helperFlushWait());
        assertFalse(c.demo());
        assertTrue(c.selects("anything"));
        assertEquals(StructureSettings.DEFAULT, c.structure("orders"));
        assertEquals(DATA.toAbsolutePath(), c.dataDir());
    }

    @Test
    void messagesNameTheOffendingKey() {
        assertTrue(refused(Map.of("page-size", "99")).getMessage().contains("'page-size'"));
        assertTrue(refused(Map.of("page-size", "x")).getMessage().contains("'page-size'"));
        assertTrue(refused(Map.of("page-size", "10001")).getMessage().contains("'page-size'"));
        assertTrue(refused(Map.of("cursor-timeout-minutes", "0")).getMessage().contains("'cursor-timeout-minutes'"));
        assertTrue(refused(Map.of("watermark-fallback-lag-seconds", "0")).getMessage()
                .contains("'watermark-fallback-lag-seconds'"));
        assertTrue(refused(Map.of("tombstone-retention-days", "29")).getMessage().contains("'tombstone-retention-days'"));
        assertTrue(refused(Map.of("demo", "yes")).getMessage().contains("'demo'"));
        assertTrue(refused(Map.of("helper-flush-wait-millis", "-1")).getMessage().contains("'helper-flush-wait-millis'"));
        assertTrue(refused(Map.of("helper-flush-wait-millis", "60001")).getMessage()
                .contains("'helper-flush-wait-millis'"));
        assertTrue(refused(Map.of("jdbc-url", "jdbc:sqlserver://x;databaseName=y")).getMessage().contains("'jdbc-url'"));
        assertTrue(refused(Map.of("database", "a-b")).getMessage().contains("'database'"));
        assertTrue(refused(Map.of("structure.orders.delete-strategy", "soft"))
                .getMessage().contains("'structure.orders.delete-strategy'"));
        assertTrue(refused(Map.of("structure.orders.writeable", "true")).getMessage().contains("'structure.orders.writeable'"));
        assertTrue(refused(Map.of("jdbc-uri", "x")).getMessage().contains("'jdbc-uri'"));
        assertThrows(IllegalArgumentException.class, () -> JdbcAdapterConfig.fromSettings(Map.of(), null));
    }

    @Test
    void changeCaptureIsAutoUnlessSetAndAnUnknownModeIsRefusedByName() {
        assertEquals(JdbcAdapterConfig.ChangeCapture.AUTO, JdbcAdapterConfig.fromSettings(Map.of(), DATA).changeCapture());
        assertEquals(JdbcAdapterConfig.ChangeCapture.POLLING,
                JdbcAdapterConfig.fromSettings(Map.of("change-capture", " Polling "), DATA).changeCapture());
        String message = refused(Map.of("change-capture", "sometimes")).getMessage();
        assertTrue(message.contains("'change-capture'") && message.contains("auto, log (or binlog) or polling"), message);
        assertEquals(JdbcAdapterConfig.ChangeCapture.BINLOG,
                JdbcAdapterConfig.fromSettings(Map.of("change-capture", "log"), DATA).changeCapture());
        assertEquals(JdbcAdapterConfig.ChangeCapture.BINLOG,
                JdbcAdapterConfig.fromSettings(Map.of("change-capture", "binlog"), DATA).changeCapture());
        assertTrue(refused(Map.of("capture-slot", "Not-A-Slot")).getMessage().contains("'capture-slot'"));
        assertTrue(refused(Map.of("capture-lease-seconds", "1")).getMessage().contains("'capture-lease-seconds'"));
    }

    @Test
    void perStructureSettings() {
        JdbcAdapterConfig c = JdbcAdapterConfig.fromSettings(Map.of(
                "structure.sales.orders.writable", "true",
                "structure.sales.orders.id-columns", "a, b",
                "structure.sales.orders.read-only-columns", "x",
                "structure.sales.orders.delete-strategy", "soft-delete:gone",
                "structure.sales.orders.label", "Orders",
                "structures.include", "sales.*, x?",
                "structures.exclude", "*tmp*",
                "port", "8443"), DATA);
        StructureSettings s = c.structure("sales.orders");
        assertTrue(s.isWritable());
        assertEquals(List.of("a", "b"), s.idColumns());
        assertEquals(Set.of("x"), s.readOnlyColumns());
        assertEquals(new DeleteStrategy(DeleteStrategy.Kind.SOFT_DELETE, "gone"), s.deleteStrategy());
        assertEquals("Orders", s.label());
        assertTrue(c.selects("sales.orders"));
        assertTrue(c.selects("xy"));
        assertFalse(c.selects("xyz"));
        assertFalse(c.selects("sales.tmp1"));
    }

    @Test
    void everyDeclaredKeyIsKnownAndDocumented() {
        List<Setting<?>> docs = JdbcAdapterConfig.settings();
        for (Setting<?> d : docs) {
            assertFalse(d.description().isBlank(), d.name());
            assertTrue(JdbcAdapterConfig.isKnownKey(d.name().replace("<table>", "t1")), d.name());
        }
        for (String key : List.of("jdbc-url", "jdbc-user", "jdbc-password", "demo", "database", "structures.include",
                "structures.exclude", "structure.t.label", "structure.t.id-columns", "structure.t.modified-column",
                "structure.t.writable", "structure.t.read-only-columns", "structure.t.delete-strategy",
                "structure.t.change-tracking", "page-size", "inline-threshold", "tombstone-retention-days", "pool-size",
                "query-timeout-seconds", "cursor-timeout-minutes", "watermark-fallback-lag-seconds", "helper-url",
                "helper-user", "helper-password", "helper-token", "helper-trust-store", "helper-trust-store-password",
                "helper-timeout-seconds", "helper-flush-wait-millis", "notify-interval-seconds")) {
            assertTrue(JdbcAdapterConfig.isKnownKey(key), key);
        }
        assertFalse(JdbcAdapterConfig.isKnownKey("port"));
        assertFalse(JdbcAdapterConfig.isKnownKey("structure.t.colour"));
    }

    @Test
    void thePasswordIsNeverPrinted() {
        JdbcAdapterConfig c = JdbcAdapterConfig.fromSettings(Map.of("jdbc-url", "jdbc:mariadb://db/x",
                "jdbc-password", "hunter2"), null);
        assertFalse(c.toString().contains("hunter2"));
    }

    @Test
    void theHelperSettingsAreCheckedTogetherAndNoSecretIsPrinted() {
        Map<String, String> base = Map.of("jdbc-url", "jdbc:mariadb://db/x", "helper-url", "https://host/helper");
        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> JdbcAdapterConfig.fromSettings(base, null));
        assertTrue(noId.getMessage().contains("external-system-id"), noId.getMessage());
        Map<String, String> both = new HashMap<>(base);
        both.putAll(Map.of("external-system-id", "esa-1", "helper-user", "u", "helper-token", "s3cret-token"));
        assertThrows(IllegalArgumentException.class, () -> JdbcAdapterConfig.fromSettings(both, null));
        IllegalArgumentException notifyAlone = assertThrows(IllegalArgumentException.class,
                () -> JdbcAdapterConfig.fromSettings(Map.of("jdbc-url", "jdbc:mariadb://db/x",
                        "notify-interval-seconds", "5"), null));
        assertTrue(notifyAlone.getMessage().contains("helper-url"), notifyAlone.getMessage());
        IllegalArgumentException userInfo = assertThrows(IllegalArgumentException.class,
                () -> JdbcAdapterConfig.fromSettings(Map.of("jdbc-url", "jdbc:mariadb://db/x",
                        "helper-url", "https://u:p@host/helper", "external-system-id", "esa-1"), null));
        assertFalse(userInfo.getMessage().contains(":p@"), userInfo.getMessage());

        both.remove("helper-user");
        both.put("helper-trust-store", "/etc/esa/host.p12");
        both.put("helper-trust-store-password", "tru5t");
        JdbcAdapterConfig c = JdbcAdapterConfig.fromSettings(both, null);
        assertEquals("esa-1", c.helper().externalSystemId());
        assertEquals("Bearer s3cret-token", c.helper().credentials().authorization());
        assertEquals(Path.of("/etc/esa/host.p12"), c.helper().trustStore().path());
        assertFalse(c.helper().toString().contains("s3cret-token") || c.helper().toString().contains("tru5t"));
    }
}
