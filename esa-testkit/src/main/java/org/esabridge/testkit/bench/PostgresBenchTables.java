package org.esabridge.testkit.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * {@link BenchTables}' tables on PostgreSQL: the same names, columns and values, filled from
 * {@code generate_series}. PostgreSQL has no {@code ON UPDATE} column default, so the bench's updates set
 * {@code modified_at} themselves ({@link #touch}), as an application with a modification column does.
 */
final class PostgresBenchTables {
    private PostgresBenchTables() {
    }

    /** The SET clause an update of a bench table adds on PostgreSQL. */
    static String touch() {
        return ", modified_at = clock_timestamp()";
    }

    static void ensure(Connection c, String shape, boolean modIndex, long rows) throws SQLException {
        String table = BenchTables.name(shape, modIndex, rows);
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_name = '" + table + "'")) {
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
            s.execute(ddl(table, shape));
            if (modIndex) {
                s.execute("CREATE INDEX " + table + "_modified ON " + table + " (modified_at, id)");
            }
            for (long from = 1; from <= rows; from += 100_000) {
                long to = Math.min(rows, from + 99_999);
                s.execute(insert(table, shape) + " FROM generate_series(" + from + ", " + to + ") AS seq");
            }
            s.execute("ANALYZE " + table);
        }
    }

    private static String ddl(String table, String shape) {
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
            sql.append(" d1 DECIMAL(14,4) NULL, d2 DECIMAL(14,4) NULL, t1 TIMESTAMP(3) NULL, t2 DATE NULL,"
                    + " flag BOOLEAN NOT NULL DEFAULT FALSE, body TEXT NULL,");
        }
        sql.append(" modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))");
        return sql.toString();
    }

    private static String insert(String table, String shape) {
        String columns = "id, name, amount, modified_at";
        String values = "seq, CONCAT('name ', seq), seq / 100.0, TIMESTAMP '2026-01-01 00:00:00' + seq * INTERVAL '1 millisecond'";
        if (shape.equals("contact")) {
            columns += ", email, visits, born, notes";
            values += ", CONCAT('person', seq, '@example.org'), seq % 1000, DATE '1950-01-01' + (seq % 20000)::int,"
                    + " CONCAT('Customer since ', 2000 + seq % 25, '; prefers e-mail & calls before noon <', seq, '>.')";
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
            v.append(", seq / 7.0, NULL, TIMESTAMP '2026-01-01 00:00:00' + seq * INTERVAL '1 second',"
                    + " DATE '2026-01-01' + (seq % 365)::int, seq % 2 = 1,"
                    + " REPEAT(CONCAT('text of row ', seq, '. '), 8)");
            columns = c.toString();
            values = v.toString();
        }
        return "INSERT INTO " + table + " (" + columns + ") SELECT " + values;
    }
}
