package org.esabridge.jdbc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.esabridge.api.xml.EncodedRecords;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;

/**
 * A benchmark, not a test: the CPU a page read ahead costs the reading thread per row (issue 22), reading a table of
 * the bench's contact shape in pages of 5000 as the cursor does and encoding each row either through its record
 * ({@code record}: {@link RecordMapper#map}, then {@link EncodedRecords#add}) or straight from the result set
 * ({@code bytes}: {@link RecordMapper#encode}). Prints this thread's CPU per row (the driver's reading and decoding
 * included, the database's not), the two ways alternated {@code rounds} times.
 *
 * <p>{@code RowEncodeBench DIR rows rounds [record|bytes]} (one way only, for a profile)
 */
public final class RowEncodeBench {
    private RowEncodeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        int rows = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Boolean only = args.length > 3 ? (Boolean) args[3].equals("bytes") : null;
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir, 0, List.of())) {
            db.createSchema("rb");
            try (Connection c = db.connect("rb"); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS contact");
                // The bench's contact shape (esa-testkit BenchTables).
                s.execute("CREATE TABLE contact (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                        + " amount DECIMAL(12,2) NOT NULL, email VARCHAR(100) NOT NULL, visits INT NULL, born DATE NULL,"
                        + " notes TEXT NULL, modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                        + " ON UPDATE CURRENT_TIMESTAMP(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
                for (long from = 1; from <= rows; from += 100_000) {
                    s.execute("INSERT INTO contact (id, name, amount, modified_at, email, visits, born, notes)"
                            + " SELECT seq, CONCAT('name ', seq), seq / 100,"
                            + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq * 1000 MICROSECOND,"
                            + " CONCAT('person', seq, '@example.org'), seq MOD 1000,"
                            + " DATE '1950-01-01' + INTERVAL (seq MOD 20000) DAY,"
                            + " CONCAT('Customer since ', 2000 + seq MOD 25, '; prefers e-mail & calls before noon <', seq, '>.')"
                            + " FROM seq_" + from + "_to_" + Math.min(rows, from + 99_999));
                }
            }
            Map<String, String> settings = Map.of(JdbcAdapterConfig.JDBC_URL, db.url("rb"), JdbcAdapterConfig.JDBC_USER,
                    db.user(), JdbcAdapterConfig.JDBC_PASSWORD, db.password());
            try (Connection c = db.connect("rb")) {
                Catalog catalog = new CatalogLoader(JdbcAdapterConfig.fromSettings(settings, null), MariaDbDialect.INSTANCE,
                        Set.of()).load(c);
                RecordMapper m = new RecordMapper(catalog.table("contact"), MariaDbDialect.INSTANCE);
                String sql = "SELECT " + m.selectList() + " FROM " + m.from() + " WHERE t.id > ? ORDER BY t.id LIMIT 5000";
                read(c, sql, m, false, rows); // warm-up, both ways
                read(c, sql, m, true, rows);
                for (int r = 0; r < rounds; r++) {
                    for (boolean bytes : only == null ? new boolean[] {false, true} : new boolean[] {only}) {
                        double ns = read(c, sql, m, bytes, rows);
                        System.out.printf(Locale.ROOT, "%-6s %7.0f ns CPU/row (load %s)%n", bytes ? "bytes" : "record",
                                ns, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    }
                }
            }
        }
    }

    /** Reads every row in pages of 5000, encoding them one way; this thread's CPU per row in ns. */
    private static double read(Connection c, String sql, RecordMapper m, boolean bytes, int rows) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long last = 0;
        long encoded = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1000);
            while (true) {
                ps.setLong(1, last);
                EncodedRecords page = new EncodedRecords();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (bytes) {
                            m.encode(rs, page.begin());
                            page.end();
                        } else {
                            page.add(m.map(rs));
                        }
                        last = rs.getLong(1);
                    }
                }
                if (page.count() == 0) {
                    break;
                }
                encoded += page.count();
            }
        }
        if (encoded != rows) {
            throw new IllegalStateException(encoded + " rows encoded of " + rows);
        }
        return (threads.getCurrentThreadCpuTime() - cpu) / (double) rows;
    }
}
