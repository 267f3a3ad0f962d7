package org.esabridge.jdbc.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database keeps its data across restarts, also in a data directory under the system temp directory. */
class EmbeddedMariaDbTest {

    @Test
    void dataUnderTheTempDirectorySurvivesARestart(@TempDir Path dir) throws Exception {
        assertTrue(dir.toString().startsWith(System.getProperty("java.io.tmpdir")), dir.toString());
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir)) {
            db.createSchema("kept");
            try (Connection c = DriverManager.getConnection(db.url("kept"), "root", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (42)");
            }
        }
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir);
             Connection c = DriverManager.getConnection(db.url("kept"), "root", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM t")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }

    @Test
    void onlyAPosixPathUnderTheTempDirectoryIsRewritten() {
        String tmp = System.getProperty("java.io.tmpdir");
        assertEquals("/" + tmp + "/x/mariadb", EmbeddedMariaDb.keptDataDir(Path.of(tmp, "x", "mariadb")));
        assertEquals("/srv/esa/mariadb", EmbeddedMariaDb.keptDataDir(Path.of("/srv/esa/mariadb")));
    }
}
