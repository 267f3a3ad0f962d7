package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.server.config.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's page {@code /status} as a browser renders it: Debian's Chromium, headless, loads it from a real
 * server on the demo database after a few calls and dumps the DOM its script built. Every series the page shows
 * has the value {@code /metrics} gives, the capture mode and the last calls are there, and the page needs the
 * credentials {@code /metrics} needs. {@code .ci/run} installs Chromium.
 */
class StatusPageBrowserTest {
    private static final String SCHEMA = "status_page";
    private static final Path CHROMIUM = Path.of(System.getProperty("esa.chromium", "/usr/bin/chromium"));
    private static final Pattern CELL = Pattern.compile("<td class=\"num\" data-metric=\"([^\"]+)\">([^<]*)</td>");
    private static final Pattern SERIES = Pattern.compile("^(esa_[^ ]+) (\\S+)$", Pattern.MULTILINE);

    @Test
    void theRenderedPageShowsTheNumbersOfMetrics(@TempDir Path profile) throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install chromium (.ci/run does)");
        Map<String, String> settings = Map.of(ServerSettings.METRICS_PUBLIC.name(), "true",
                ServerSettings.HTTP_PORT.name(), "0");
        try (TestServer server = TestServer.start(EndToEndDatabase.demoAdapter(SCHEMA), settings)) {
            assertEquals(200, server.post(call("1", "<getStructureList/>")).statusCode());
            assertEquals(200, server.post(call("2", "<getModified><structure>customers</structure>"
                    + "<after>2000-01-01T00:00:00Z</after></getModified>")).statusCode());
            String fault = server.post(call("3", "<getModified><structure>no_such_table</structure>"
                    + "<after>2000-01-01T00:00:00Z</after></getModified>")).body();
            assertTrue(fault.contains("<exception"), fault);
            assertEquals(200, server.post(call("4", "<getModifiedPaged><structure>orders</structure>"
                    + "<after>2000-01-01T00:00:00Z</after></getModifiedPaged>")).statusCode());

            URI status = URI.create(server.server().httpUri().orElseThrow().toString().replace(EsaServer.ESA_PATH, EsaServer.STATUS_PATH));
            // The binlog reader's counters move by themselves (the server's own writes to its esa_ tables): a value
            // shown must lie between a scrape before the page and one after; the calls' series do not move.
            Map<String, Double> before = scrape(server);
            String dom = render(status, profile);
            Map<String, Double> after = scrape(server);

            assertTrue(dom.contains("data-rendered=\"true\""), dom);
            Map<String, Double> shown = new LinkedHashMap<>();
            Matcher cell = CELL.matcher(dom);
            while (cell.find()) {
                shown.put(cell.group(1).replace("&quot;", "\"").replace("&amp;", "&"), Double.parseDouble(cell.group(2)));
            }
            for (String expected : List.of("esa_calls_total{call=\"getModified\",outcome=\"ok\"}",
                    "esa_calls_total{call=\"getModified\",outcome=\"UNKNOWN_STRUCTURE\"}", "esa_cursors_open",
                    "esa_rows_served_total{call=\"getModified\"}", "esa_capture_lag_seconds")) {
                assertTrue(shown.containsKey(expected), expected + " not on the page: " + shown.keySet());
            }
            shown.forEach((name, value) -> {
                assertTrue(before.containsKey(name), name + " is on the page, not in /metrics: " + before.keySet());
                double low = Math.min(before.get(name), after.get(name));
                double high = Math.max(before.get(name), after.get(name));
                double rounding = 0.0005 + Math.abs(value) * 1e-6;
                assertTrue(value >= low - rounding && value <= high + rounding,
                        name + ": page " + value + ", /metrics " + before.get(name) + " then " + after.get(name));
                if (name.startsWith("esa_calls_total") || name.startsWith("esa_rows_served") || name.startsWith("esa_cursors")) {
                    assertEquals(before.get(name), value, rounding, name);
                }
            });
            assertEquals(1.0, shown.get("esa_cursors_open"));
            assertTrue(text(dom, "cursors-open").equals("1"), dom);
            assertEquals("binlog", text(dom, "capture-mode"));
            assertEquals(4, rows(dom, "recent"), dom);
            assertEquals(1, rows(dom, "faults"), dom);
            assertTrue(dom.contains("<polyline"), "the lag chart is drawn");
        }
    }

    @Test
    void thePageNeedsTheCredentialsMetricsNeeds() throws Exception {
        try (TestServer server = TestServer.start(new FakeAdapter(), Map.of())) {
            HttpRequest.Builder page = HttpRequest.newBuilder(server.server().httpsUri(EsaServer.STATUS_PATH)).GET();
            assertEquals(401, server.sendAsIs(page).statusCode());
            HttpResponse<String> allowed = server.send(page);
            assertEquals(200, allowed.statusCode());
            assertTrue(allowed.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(allowed.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        }
    }

    private static Map<String, Double> scrape(TestServer server) throws Exception {
        Map<String, Double> scraped = new HashMap<>();
        Matcher series = SERIES.matcher(server.send(
                HttpRequest.newBuilder(server.server().httpsUri(EsaServer.METRICS_PATH)).GET()).body());
        while (series.find()) {
            scraped.put(series.group(1), Double.parseDouble(series.group(2)));
        }
        return scraped;
    }

    private static String call(String id, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sync><esa-call call-id=\"" + id + "\">" + body
                + "</esa-call></sync>";
    }

    /** The DOM after the page's script ran, as Chromium serialises it. */
    private static String render(URI page, Path profile) throws Exception {
        File out = profile.resolve("dom.html").toFile();
        File err = profile.resolve("chromium.err").toFile();
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.resolve("profile"), "--dump-dom", page.toString())
                .redirectOutput(out).redirectError(err).start();
        assertTrue(chromium.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        String dom = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, chromium.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8));
        return dom;
    }

    private static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(dom);
        return m.find() ? m.group(1) : null;
    }

    private static int rows(String dom, String table) {
        int start = dom.indexOf("<table id=\"" + table + "\">");
        String body = dom.substring(dom.indexOf("<tbody>", start), dom.indexOf("</tbody>", start));
        return body.split("<tr", -1).length - 1;
    }
}
