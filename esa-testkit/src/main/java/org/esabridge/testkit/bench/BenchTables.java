package org.esabridge.testkit.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The generated tables: {@code bench_narrow_N} (4 columns), {@code bench_contact_N} (8 columns: name, email,
 * an integer, a decimal, a date, a text and the modification column, ~330 bytes of XML a record) and
 * {@code bench_wide_N} (24 columns, ~1 KB a row), filled in SQL from MariaDB's sequence engine, modification
 * times spread one millisecond apart. Each comes with an index on (modified_at, id), or without one
 * ({@code bench_<shape>_noidx_N}: how most operators' tables are). A table that already holds N rows is
 * reused, so a second run skips the generation.
 */
final class BenchTables {
    private BenchTables() {
    }

    static final java.util.List<String> SHAPES = java.util.List.of("narrow", "contact", "wide");

    static String name(String shape, boolean modIndex, long rows) {
        return "bench_" + shape + (modIndex ? "_" : "_noidx_") + rows;
    }

    static void ensure(Connection c, String shape, boolean modIndex, long rows) throws SQLException {
        String table = name(shape, modIndex, rows);
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                    + " AND table_name = '" + table + "'")) {
                rs.next();
                if (rs.getLong(1) == 1) {
                    try (ResultSet count = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        count.next();
                        if (count.getLong(1) == rows) {
                            return;
                        }
                    }
                    s.execute("DROP TABLE " + table);
                }
            }
            s.execute(ddl(table, shape, modIndex));
            // Chunks of 100k keep each transaction (and the undo log) small.
            for (long from = 1; from <= rows; from += 100_000) {
                long to = Math.min(rows, from + 99_999);
                s.execute(insert(table, shape) + " FROM seq_" + from + "_to_" + to);
            }
        }
    }

    private static String ddl(String table, String shape, boolean modIndex) {
        StringBuilder sql = new StringBuilder("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY,"
                + " name VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL,");
        if (shape.equals("contact")) {
            sql.append(" email VARCHAR(100) NOT NULL, visits INT NULL, born DATE NULL, notes TEXT NULL,");
        }
        if (shape.equals("wide")) {
            for (int i = 1; i <= 10; i++) {
                sql.append(" s").append(i).append(" VARCHAR(100) NULL,");
            }
            for (int i = 1; i <= 4; i++) {
                sql.append(" n").append(i).append(" INT NULL,");
            }
            sql.append(" d1 DECIMAL(14,4) NULL, d2 DECIMAL(14,4) NULL, t1 DATETIME(3) NULL, t2 DATE NULL,"
                    + " flag BOOLEAN NOT NULL DEFAULT FALSE, body TEXT NULL,");
        }
        sql.append(" modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)")
                .append(modIndex ? ", KEY " + table + "_modified (modified_at, id)" : "")
                .append(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        return sql.toString();
    }

    private static String insert(String table, String shape) {
        String columns = "id, name, amount, modified_at";
        String values = "seq, CONCAT('name ', seq), seq / 100, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq * 1000 MICROSECOND";
        if (shape.equals("contact")) {
            columns += ", email, visits, born, notes";
            values += ", CONCAT('person', seq, '@example.org'), seq MOD 1000, DATE '1950-01-01' + INTERVAL (seq MOD 20000) DAY,"
                    + " CONCAT('Customer since ', 2000 + seq MOD 25, '; prefers e-mail & calls before noon <', seq, '>.')";
        }
        if (shape.equals("wide")) {
            StringBuilder c = new StringBuilder(columns);
            StringBuilder v = new StringBuilder(values);
            for (int i = 1; i <= 10; i++) {
                c.append(", s").append(i);
                v.append(String.format(Locale.ROOT, ", CONCAT('value %d of row ', seq, ' <&> padding padding padding')", i));
            }
            for (int i = 1; i <= 4; i++) {
                c.append(", n").append(i);
                v.append(", seq * ").append(i);
            }
            c.append(", d1, d2, t1, t2, flag, body");
            v.append(", seq / 7, NULL, TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND,"
                    + " DATE '2026-01-01' + INTERVAL (seq MOD 365) DAY, seq MOD 2,"
                    + " REPEAT(CONCAT('text of row ', seq, '. '), 8)");
            columns = c.toString();
            values = v.toString();
        }
        return "INSERT INTO " + table + " (" + columns + ") SELECT " + values;
    }
}
