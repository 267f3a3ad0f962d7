package org.esabridge.testkit.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.xml.EsaCallWriter;

/**
 * The wire host in a process of its own, as a host on another machine is: one {@code curl} fetches every page of
 * a cursor over one kept-alive HTTPS connection (a section of its config file per readDataPage, {@code -k} as the
 * README's examples), and this JVM counts the {@code <record>} tags in what it prints ({@link RecordCounter}).
 * With the bench's ESA in this JVM, the ESA's own CPU is then this process's CPU less the counting thread's, and
 * curl's is measured apart ({@link ProcessCpu#children}): the in-JVM wire host cannot tell the two apart.
 */
final class CurlHost {
    private final String binary;

    private CurlHost(String binary) {
        this.binary = binary;
    }

    /** {@code curl} from the PATH, or null when it does not start. */
    static CurlHost find() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? new CurlHost("curl") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * What curl received: the records counted, and the CPU seconds curl itself spent.
     */
    record Pages(RecordCounter.Counted counted, double curlCpuSeconds) {
    }

    /** Reads pages 0 … {@code pageCount - 1} of the cursor through one curl; its config file is kept in {@code dir}. */
    Pages fetch(URI url, String cursorId, long pageCount, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("curl-pages.conf");
        StringBuilder sections = new StringBuilder();
        for (long p = 0; p < pageCount; p++) {
            ByteArrayOutputStream doc = new ByteArrayOutputStream(256);
            EsaCallWriter.write(doc, "page-" + p, new EsaCall.ReadDataPage(cursorId, p));
            if (p > 0) {
                sections.append("next\n");
            }
            sections.append("url = \"").append(url).append("\"\n")
                    .append("insecure\nsilent\nshow-error\nhttp1.1\n")
                    .append("header = \"Content-Type: application/xml; charset=UTF-8\"\n")
                    .append("data-binary = \"").append(quoted(doc.toString(StandardCharsets.UTF_8))).append("\"\n");
        }
        Files.writeString(config, sections, StandardCharsets.UTF_8);
        double cpu0 = ProcessCpu.childrenSeconds();
        Process curl = new ProcessBuilder(binary, "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        RecordCounter.Counted counted;
        try (InputStream in = curl.getInputStream()) {
            counted = new RecordCounter().count(in);
        }
        if (curl.waitFor() != 0) {
            throw new IOException(binary + " exited with " + curl.exitValue() + " reading the pages of cursor " + cursorId);
        }
        // A waited-for child's CPU is added to this process's children's times when it is reaped.
        return new Pages(counted, ProcessCpu.childrenSeconds() - cpu0);
    }

    /** A curl config string: backslash, quote and control characters escaped. */
    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t");
    }
}
