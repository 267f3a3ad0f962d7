package org.esabridge.jdbc.dialect;

import org.esabridge.jdbc.mariadb.MariaDbDialect;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A plain MariaDB server is not taken for a cluster node, and the start says nothing of Galera
 * (GaleraClusterTest checks the other side on a cluster).
 */
@Tag("database")
class GaleraDetectionTest {
    private static final String DB = "esa_galera_detection_test";

    @Test
    void aPlainServerIsNotAGaleraNode() throws Exception {
        TestDatabase.freshSchema(DB);
        try (Connection c = TestDatabase.connect(DB)) {
            assertFalse(MariaDbDialect.INSTANCE.isGaleraNode(c));
        }
        try (JdbcAdapter adapter = TestDatabase.adapter(DB)) {
            assertFalse(adapter.captureSummary().stream().anyMatch(line -> line.contains("Galera")), adapter.captureSummary().toString());
        }
    }
}
