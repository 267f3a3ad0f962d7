package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The two-node Galera cluster of the {@code galera}-tagged tests, named by the environment that
 * {@code scripts/galera-dev.sh start} writes to {@code env.sh}: {@code ESA_GALERA_URL_A},
 * {@code ESA_GALERA_URL_B} (server URLs ending in {@code /}), {@code ESA_GALERA_USER},
 * {@code ESA_GALERA_PASSWORD}. Without them the tests are skipped, so a build without a cluster passes.
 */
final class GaleraCluster {
    /** One database node. */
    enum Node {
        A("ESA_GALERA_URL_A"), B("ESA_GALERA_URL_B");

        private final String variable;

        Node(String variable) {
            this.variable = variable;
        }

        String serverUrl() {
            String url = System.getenv(variable);
            return url.endsWith("/") ? url : url + "/";
        }
    }

    private GaleraCluster() {
    }

    /** Skips the calling test unless both nodes are named. */
    static void assumeConfigured() {
        Assumptions.assumeTrue(present("ESA_GALERA_URL_A") && present("ESA_GALERA_URL_B"),
                "no Galera cluster: run scripts/galera-dev.sh start and source the env.sh it names");
    }

    private static boolean present(String variable) {
        String v = System.getenv(variable);
        return v != null && !v.isBlank();
    }

    private static String user() {
        return System.getenv().getOrDefault("ESA_GALERA_USER", "root");
    }

    private static String password() {
        return System.getenv().getOrDefault("ESA_GALERA_PASSWORD", "");
    }

    /**
     * A plain connection to the schema on one node, in UTC. Its reads wait until the node has applied every
     * write set the cluster committed before them ({@code wsrep_sync_wait}), so a check sees what was written
     * through the other node.
     */
    static Connection connect(Node node, String schema) throws SQLException {
        Connection c = DriverManager.getConnection(node.serverUrl() + schema, user(), password());
        try (Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00', wsrep_sync_wait = 1");
        }
        return c;
    }

    /** Drops and creates the schema (through node A; DDL replicates in total order) and waits until B has it. */
    static void freshSchema(String schema) throws Exception {
        try (Connection c = connect(Node.A, ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = connect(Node.B, ""); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA"
                        + " WHERE SCHEMA_NAME = '" + schema + "'")) {
                    rs.next();
                    if (rs.getInt(1) == 1) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "node B never saw schema " + schema);
                Thread.sleep(20);
            }
        }
    }

    static void exec(Node node, String schema, String... sql) throws SQLException {
        try (Connection c = connect(node, schema); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Settings for an esa-bridge node whose database is the schema on {@code node}, plus {@code extra}. */
    static Map<String, String> settings(Node node, String schema, String... extra) {
        Map<String, String> m = new HashMap<>();
        m.put(JdbcAdapterConfig.JDBC_URL, node.serverUrl() + schema);
        m.put(JdbcAdapterConfig.JDBC_USER, user());
        m.put(JdbcAdapterConfig.JDBC_PASSWORD, password());
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    /** An esa-bridge node (adapter) on the schema through database node {@code node}. */
    static JdbcAdapter adapter(Node node, String schema, String... extra) {
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(node, schema, extra), null));
    }

    /** A global status counter of one node, e.g. {@code wsrep_local_cert_failures}. */
    static long status(Node node, String variable) throws SQLException {
        try (Connection c = connect(node, ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE '" + variable + "'")) {
            return rs.next() ? rs.getLong(2) : 0;
        }
    }
}
