package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.api.config.Setting;
import org.esabridge.server.config.SettingsReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every command's {@code --help} is the manual: every declared setting, with its default, once. */
class CommandHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"--help", "stdio --help", "-h", "stdio -h", "--port 9443 --help"})
    void helpListsEverySettingWithItsDefaultOnce(String command) {
        String help = run(command.split(" "));
        Map<String, String> entries = entries(help);
        for (Setting<?> setting : SettingsReference.all()) {
            String head = setting.commandLine() ? setting.flag() + " " + setting.type().label()
                    : setting.name() + "=" + setting.type().label();
            String entry = entries.get(head);
            assertNotNull(entry, command + ": no entry '" + head + "' in\n" + help);
            if (setting.defaultValue() != null && !setting.defaultValue().isEmpty()) {
                assertTrue(entry.contains("efault: " + setting.defaultValue()), head + ": " + entry);
            }
            assertTrue(count(entry.toLowerCase(Locale.ROOT), "default:") <= 1, head + " says Default twice: " + entry);
        }
        assertTrue(help.contains("--config FILE") && help.contains("--version"), help);
    }

    @Test
    void stdioHelpIsTheCommandLineEsasNotTheServers() {
        String help = run("stdio", "--help");
        assertTrue(help.startsWith("Usage: esa-server stdio"), help);
        assertTrue(help.contains("Exit codes"), help);
        assertTrue(run("--help").contains("stdio "), "the server's help names the stdio command");
    }

    @Test
    void newTokenHelpPrintsNoToken() {
        String help = run("new-token", "--help");
        assertTrue(help.startsWith("Usage: esa-server new-token"), help);
        assertFalse(Pattern.compile("[0-9a-f]{64}").matcher(help).find(), help);
        assertTrue(run("hash-password", "--help").startsWith("Usage: esa-server hash-password"));
    }

    @Test
    void versionNamesTheVersionAndTheCommit() {
        String line = run("--version").strip();
        Matcher matcher = Pattern.compile("esa-bridge (\\S+), commit ([0-9a-f]{12}|unknown)( .*)?").matcher(line);
        assertTrue(matcher.matches(), line);
        assertFalse(matcher.group(1).equals("unknown"), line);
        assertEquals(line, run("stdio", "-V").strip());
    }

    @Test
    void otherArgumentsAreLeftToTheCommands() {
        assertNull(CommandHelp.answer(new String[] {"--demo"}, new PrintStream(new ByteArrayOutputStream())));
        assertNull(CommandHelp.answer(new String[] {"sync", "--help"}, new PrintStream(new ByteArrayOutputStream())));
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Integer code = CommandHelp.answer(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code, String.join(" ", args));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Entry heads are indented two spaces, their text six. */
    private static Map<String, String> entries(String help) {
        Map<String, String> entries = new LinkedHashMap<>();
        String head = null;
        for (String line : help.split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                head = line.strip();
                entries.put(head, "");
            } else if (head != null && line.startsWith("      ")) {
                entries.merge(head, line.strip() + " ", String::concat);
            } else {
                head = null;
            }
        }
        return entries;
    }

    private static int count(String text, String word) {
        int count = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            count++;
        }
        return count;
    }
}
