package org.esabridge.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The bench's chart: one bar per measured rate, as long as its share of the scale; and the chart BENCHMARKS.md
 * shows is the one this code draws from the figures of BENCHMARKS.md's first bench table (rerun with
 * {@code -Desa.readme.update=true} to redraw it).
 */
class BenchChartTest {
    private static final Path ROOT = Path.of(System.getProperty("esa.schemas.dir", "../schemas")).getParent();
    static final String CHART = "docs/bench-sync-rates.svg";

    @Test
    void eachRateIsOneBarOfItsShareOfTheScale() throws Exception {
        String svg = BenchChart.svg("t", List.of(new BenchChart.Bar("small", 100_000.0, 50_000.0, 25_000.0, null),
                new BenchChart.Bar("large", 80_000.0, null, 20_000.0, 10_000.0)));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
        assertEquals(6, doc.getElementsByTagName("title").getLength(), svg);
        assertTrue(svg.contains("width=\"460.0\" height=\"6\" fill=\"#9e9e9e\"><title>mariadb --quick: 100,000 rows/s"), svg);
        assertTrue(svg.contains("width=\"115.0\" height=\"6\" fill=\"#d79b00\"><title>ESA sync, wire host: 25,000 rows/s"), svg);
    }

    @Test
    void benchmarksShowsTheChartOfItsOwnFigures() throws Exception {
        String benchmarks = Files.readString(ROOT.resolve("BENCHMARKS.md"), StandardCharsets.UTF_8);
        List<BenchChart.Bar> bars = BenchChart.fromMarkdown(benchmarks);
        assertTrue(bars.size() >= 4, bars.toString());
        assertEquals(new BenchChart.Bar("bench_contact_100000", 246_277.0, 50_497.0, 26_533.0, 20_466.0), bars.get(0));
        String expected = BenchChart.svg("Full sync, rows/s by table (BENCHMARKS.md, issue 14, after 20d07bd)", bars);
        if (Boolean.getBoolean("esa.readme.update")) {
            Files.writeString(ROOT.resolve(CHART), expected, StandardCharsets.UTF_8);
        }
        assertEquals(expected, Files.readString(ROOT.resolve(CHART), StandardCharsets.UTF_8));
        assertTrue(benchmarks.contains("](" + CHART + ")"), "BENCHMARKS.md shows " + CHART);
    }
}
