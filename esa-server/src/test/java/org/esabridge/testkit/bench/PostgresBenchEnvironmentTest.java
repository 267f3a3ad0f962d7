package org.esabridge.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.esabridge.server.ServerBenchEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --engine postgresql}'s parts: esa-server's environment starts a private PostgreSQL with a database
 * for the generated tables, the psql COPY baseline counts one line a row (a value holding a newline included),
 * and the ESA in front of it captures from the log and answers a fence. No timing is asserted.
 */
class PostgresBenchEnvironmentTest {
    @TempDir
    Path workDir;

    @Test
    void theCopyBaselineCountsEveryRowOfAGeneratedTableAndTheEsaCapturesFromTheLog() throws Exception {
        BenchEnvironment environment = new ServerBenchEnvironment();
        try (BenchEnvironment.Database db = environment.startDatabase(workDir, "postgresql", null, null, null)) {
            assertEquals("postgresql", db.engine());
            String table = BenchTables.name("contact", true, 1234);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement s = c.createStatement()) {
                PostgresBenchTables.ensure(c, "contact", true, 1234);
                s.execute("INSERT INTO " + table + " (id, name, amount, email, notes) VALUES (5000, 'two', 1, "
                        + "'x@example.org', E'first line\\nsecond line\\tand a tab')");
            }
            ClientBaseline copy = ClientBaseline.psql(db.psqlClient(), db.jdbcUrl(), db.user(), db.password());
            assertNotNull(copy, "psql starts");
            assertEquals(1235, copy.read(table));

            try (BenchEnvironment.Esa esa = environment.startEsa(db, workDir, Map.of())) {
                assertTrue(esa.description().contains("change-capture=log"), esa.description());
                assertNotNull(BenchCommand.currentTime(esa));
            }
        }
    }
}
