package org.esabridge.testkit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's figures as a small SVG bar chart: for each table (size and shape) the rows/s of the raw client
 * ({@code mariadb --quick}), of the raw JDBC read, and of the ESA's wire and parse syncs, side by side on one
 * scale. Plain SVG, no script, so a Markdown page shows it as an image. {@link #fromMarkdown} reads the bench's
 * own table back, so the chart of figures already published is drawn by the same code.
 */
public final class BenchChart {

    /** One table's rates in rows/s; null where not measured. */
    public record Bar(String table, Double client, Double rawJdbc, Double wire, Double parse) {
    }

    private static final String[] SERIES = {"mariadb --quick", "raw JDBC", "ESA sync, wire host", "ESA sync, parse host"};
    private static final String[] COLOURS = {"#9e9e9e", "#6c8ebf", "#d79b00", "#82b366"};
    private static final int LABEL_WIDTH = 230;
    private static final int PLOT_WIDTH = 460;
    private static final int BAR = 7;
    private static final int GROUP_GAP = 10;

    private BenchChart() {
    }

    /** The chart of {@code bars}, titled {@code title}. */
    public static String svg(String title, List<Bar> bars) {
        return svg(title, bars, SERIES[0]);
    }

    /** As {@link #svg(String, List)}, the client baseline's bars named {@code clientLabel} (e.g. psql COPY). */
    public static String svg(String title, List<Bar> bars, String clientLabel) {
        String[] series = SERIES.clone();
        series[0] = clientLabel;
        double max = 1;
        for (Bar bar : bars) {
            for (Double rate : rates(bar)) {
                if (rate != null) {
                    max = Math.max(max, rate);
                }
            }
        }
        double scale = niceCeiling(max);
        int groupHeight = series.length * BAR + GROUP_GAP;
        int top = 48;
        int height = top + bars.size() * groupHeight + 40;
        int width = LABEL_WIDTH + PLOT_WIDTH + 20;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        int legendX = 8;
        for (int s = 0; s < series.length; s++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"26\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"35\">%s</text>%n", legendX, COLOURS[s], legendX + 14, escape(series[s])));
            legendX += 14 + series[s].length() * 6 + 16;
        }
        for (int tick = 0; tick <= 4; tick++) {
            double value = scale * tick / 4;
            double x = LABEL_WIDTH + PLOT_WIDTH * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
                    x, top - 4, x, height - 30, x, height - 16, thousands(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">rows/s</text>%n",
                LABEL_WIDTH + PLOT_WIDTH / 2, height - 3));
        int y = top;
        for (Bar bar : bars) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 6, y + series.length * BAR / 2 + 4, escape(bar.table())));
            Double[] rates = rates(bar);
            for (int s = 0; s < series.length; s++) {
                if (rates[s] != null) {
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                            + "fill=\"%s\"><title>%s: %s rows/s</title></rect>%n", LABEL_WIDTH, y + s * BAR,
                            PLOT_WIDTH * rates[s] / scale, BAR - 1, COLOURS[s], escape(series[s]), thousands(rates[s])));
                }
            }
            y += groupHeight;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /**
     * The bars of the first bench table in {@code markdown} (its header names the {@code mariadb --quick},
     * {@code raw JDBC}, {@code wire} and {@code parse} rows/s columns), in its order.
     */
    public static List<Bar> fromMarkdown(String markdown) {
        List<Bar> bars = new ArrayList<>();
        String[] header = null;
        for (String line : markdown.split("\n")) {
            if (header == null) {
                if (line.startsWith("| table | rows | mariadb --quick rows/s |")) {
                    header = cells(line);
                }
                continue;
            }
            if (line.startsWith("|---")) {
                continue;
            }
            if (!line.startsWith("| ")) {
                break;
            }
            String[] row = cells(line);
            bars.add(new Bar(row[0], rate(row, header, "mariadb --quick rows/s"), rate(row, header, "raw JDBC rows/s"),
                    rate(row, header, "wire rows/s"), rate(row, header, "parse rows/s")));
        }
        return bars;
    }

    private static Double[] rates(Bar bar) {
        return new Double[] {bar.client(), bar.rawJdbc(), bar.wire(), bar.parse()};
    }

    private static String[] cells(String line) {
        String inner = line.substring(1, line.lastIndexOf('|'));
        String[] cells = inner.split("\\|");
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].trim();
        }
        return cells;
    }

    private static Double rate(String[] row, String[] header, String column) {
        for (int i = 0; i < header.length && i < row.length; i++) {
            if (header[i].equals(column)) {
                String text = row[i].replace(",", "");
                return text.matches("[0-9.]+") ? Double.valueOf(text) : null;
            }
        }
        return null;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String thousands(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
