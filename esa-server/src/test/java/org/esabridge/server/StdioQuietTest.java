package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line ESA's standard error belongs to the host that started it: a first start on a fresh data
 * directory (the embedded database installed, started and stopped) writes there only the start's capture summary,
 * as quiet as the server's start; the log file gets everything else.
 */
class StdioQuietTest {

    @Test
    void aFirstStdioStartWritesOnlyTheCaptureSummaryToStandardError(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        File in = dir.resolve("in.xml").toFile();
        Files.writeString(in.toPath(), "<sync><esa-call call-id=\"1\"><getAllowedRunModes/></esa-call></sync>\n"
                + "<sync><esa-call call-id=\"2\"><release/></esa-call></sync>\n", StandardCharsets.UTF_8);
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", QuietStartTest.Probe.classPath(), Main.class.getName(), "stdio", "--demo",
                "--data-dir", data.toString())
                .redirectInput(in).redirectOutput(out).redirectError(err).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "stdio did not end");
        String errText = Files.readString(err.toPath(), StandardCharsets.UTF_8);
        assertEquals(StdioEsa.EXIT_DONE, process.exitValue(), errText);
        List<String> errLines = errText.lines().toList();
        assertTrue(errLines.size() >= 2 && errLines.get(0).startsWith("change capture: ")
                && errLines.get(1).startsWith("deletions: ")
                && errLines.stream().skip(2).allMatch(line -> line.startsWith("not served: ")), errText);
        List<String> answers = Files.readAllLines(out.toPath(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("<sync")).toList();
        assertEquals(2, answers.size(), String.join("\n", answers));
        assertTrue(answers.get(1).contains("response-to=\"2\""), answers.get(1));
        String log = Files.readString(data.resolve(LogRouting.FILE_NAME), StandardCharsets.UTF_8);
        for (String expected : List.of("effective configuration: ", "INFO esa.calls - ", "mariadbd")) {
            assertTrue(log.contains(expected), expected + " in\n" + log);
        }
    }
}
