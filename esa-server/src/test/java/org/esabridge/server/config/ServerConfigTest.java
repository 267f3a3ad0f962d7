package org.esabridge.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.SettingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    private static final List<Setting<?>> ADAPTER_SETTINGS = List.of(
            Setting.option("jdbc-url", SettingType.TEXT, "", "the database"),
            Setting.option("demo", SettingType.BOOLEAN, "false", "demo tables"),
            Setting.key("pool-size", SettingType.TEXT, "10", "not a flag"));
    private static final CommandLineOptions OPTIONS = new CommandLineOptions(ADAPTER_SETTINGS);

    @Test
    void defaultsComeFromTheDeclarations() throws Exception {
        ServerConfig config = ServerConfig.load(OPTIONS.parse(), key -> false);
        assertEquals(8443, config.port());
        assertEquals(OptionalInt.empty(), config.httpPort());
        assertEquals(Path.of("./esa-data"), config.dataDir());
        assertEquals(10L * 1024 * 1024, config.maxBodyBytes());
        assertEquals(null, config.keystore());
    }

    @Test
    void commandLineWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("esa.properties");
        Files.writeString(file, "port=9443\nhttp-port=8080\nexternal-system-id=from-file\njdbc-url=jdbc:mariadb://db/x\n");
        ServerConfig config = ServerConfig.load(
                OPTIONS.parse("--config", file.toString(), "--port", "10443", "--demo"), key -> key.startsWith("jdbc-")
                        || key.equals("demo"));
        assertEquals(10443, config.port());
        assertEquals(OptionalInt.of(8080), config.httpPort());
        assertEquals("from-file", config.externalSystemId());
        // external-system-id is the server's, and the adapter's too: its Helper API calls send it
        assertEquals(Map.of("jdbc-url", "jdbc:mariadb://db/x", "demo", "true", "external-system-id", "from-file"),
                config.adapterSettings());
    }

    @Test
    void unknownKeyInTheFileFailsNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("esa.properties");
        Files.writeString(file, "port=9443\nmax-bdy-bytes=5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(OPTIONS.parse("--config", file.toString()), key -> false));
        assertTrue(e.getMessage().startsWith("max-bdy-bytes"), e.getMessage());
    }

    @Test
    void invalidValuesFailNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(
                OPTIONS.parse("--port", "99999"), key -> false)).getMessage().startsWith("port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(
                OPTIONS.parse("--max-body-bytes", "-1"), key -> false)).getMessage().startsWith("max-body-bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(
                OPTIONS.parse("--keystore", "x.p12"), key -> false)).getMessage().startsWith("keystore-password"));
    }

    @Test
    void unknownOptionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.parse("--prot", "1"));
    }

    @Test
    void helpAndVersionAreRecognised() {
        // What --help prints is CommandHelpTest's.
        assertTrue(OPTIONS.parse("--help").help());
        assertTrue(OPTIONS.parse("--version").version());
    }

    @Test
    void secretsAreMaskedInTheStartupLine() {
        ServerConfig config = ServerConfig.from(Map.of("keystore", "k.p12", "keystore-password", "s3cret",
                "jdbc-password", "t0psecret"), key -> true);
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertFalse(config.toString().contains("t0psecret"), config.toString());
    }
}
