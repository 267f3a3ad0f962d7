package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.esabridge.api.config.Setting;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.server.config.SettingsReference;
import org.junit.jupiter.api.Test;

/**
 * {@code packaging/}: the example configuration file is what {@link SettingsReference} writes from the
 * declarations (rerun with {@code -Desa.readme.update=true} to rewrite it), and every line of it, uncommented,
 * is a configuration the server accepts; the systemd unit starts the jar with declared options only and may
 * write its data directory and nothing else.
 */
class PackagingFilesTest {
    private static final Path PACKAGING =
            Path.of(System.getProperty("esa.schemas.dir", "../schemas")).resolveSibling("packaging");

    @Test
    void exampleConfigurationIsGeneratedFromTheDeclarations() throws Exception {
        Path file = PACKAGING.resolve("esa-bridge.properties");
        String expected = SettingsReference.exampleProperties();
        if (Boolean.getBoolean("esa.readme.update")) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        String example = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(expected, example, "packaging/esa-bridge.properties differs; rerun with -Desa.readme.update=true");
        for (Setting<?> setting : SettingsReference.all()) {
            String key = setting.name().replace("<table>", "customers");
            assertTrue(example.contains("\n#" + key + "="), key);
        }
    }

    @Test
    void theExampleUncommentedIsAcceptedAsItStands() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        int settings = 0;
        for (String line : Files.readAllLines(PACKAGING.resolve("esa-bridge.properties"), StandardCharsets.UTF_8)) {
            if (line.matches("#[a-z][^ ]*=.*")) {
                settings++;
                String[] pair = line.substring(1).split("=", 2);
                if (!pair[0].startsWith("structure.customers.")) { // those are shown without a value to take
                    values.put(pair[0], pair[1]);
                }
            }
        }
        assertEquals(SettingsReference.all().size(), settings);
        ServerConfig config = ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
        JdbcAdapterConfig.fromSettings(config.adapterSettings(), config.dataDir());
    }

    @Test
    void theSystemdUnitRunsTheJarWithDeclaredOptionsAndWritesOnlyItsDataDirectory() throws Exception {
        Map<String, String> unit = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PACKAGING.resolve("esa-bridge.service"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#") && line.contains("=")) {
                String[] pair = line.split("=", 2);
                unit.put(pair[0], pair[1]);
            }
        }
        List<String> exec = List.of(unit.get("ExecStart").split(" "));
        assertTrue(exec.get(0).endsWith("/java") && exec.get(1).equals("-jar") && exec.get(2).endsWith("/esa-server.jar"), exec.toString());
        for (int i = 3; i < exec.size(); i += 2) {
            String flag = exec.get(i);
            assertTrue(flag.equals("--config") || ServerSettings.byName(flag.substring(2)).isPresent()
                    || JdbcAdapterConfig.settings().stream().anyMatch(s -> s.commandLine() && s.flag().equals(flag)), flag);
        }
        String dataDir = exec.get(exec.indexOf(ServerSettings.DATA_DIR.flag()) + 1);
        assertEquals(dataDir, unit.get("ReadWritePaths"));
        assertEquals(dataDir, "/var/lib/" + unit.get("StateDirectory"));
        assertEquals("strict", unit.get("ProtectSystem"));
        assertEquals("yes", unit.get("NoNewPrivileges"));
        assertTrue(unit.containsKey("User") || "yes".equals(unit.get("DynamicUser")), unit.toString());
        assertTrue(!unit.containsKey("MemoryDenyWriteExecute"), "the JVM's JIT writes code it runs");
    }

    @Test
    void theGrafanaDashboardQueriesOnlyDocumentedSeries() throws Exception {
        String dashboard = Files.readString(PACKAGING.resolve("grafana-dashboard.json"), StandardCharsets.UTF_8);
        String operations = Files.readString(PACKAGING.resolveSibling("docs").resolve("operations.md"), StandardCharsets.UTF_8);
        java.util.regex.Matcher series = java.util.regex.Pattern.compile("\\b(esa_[a-z_]+)").matcher(dashboard);
        int found = 0;
        while (series.find()) {
            found++;
            String name = series.group(1).replaceAll("_bucket$", "");
            assertTrue(operations.contains("`" + name + "`") || operations.contains("`" + name + "{"), name);
        }
        assertTrue(found >= 10, "the dashboard queries the esa_ series");
    }
}
