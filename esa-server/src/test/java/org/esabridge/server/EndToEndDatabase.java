package org.esabridge.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.embedded.EmbeddedMariaDb;

/**
 * The one real MariaDB of the end-to-end tests, as esa-jdbc-adapter's tests get theirs:
 * {@code ESA_TEST_JDBC_URL} (+ {@code _USER}/{@code _PASSWORD}) when set, else an embedded server with its
 * data under {@code target/}, started on first use and stopped with the JVM. Each test class gets its own
 * schema, created afresh.
 */
final class EndToEndDatabase {
    private static String serverUrl;
    private static String user;
    private static String password;

    private EndToEndDatabase() {
    }

    private static synchronized void start() {
        if (serverUrl != null) {
            return;
        }
        String external = System.getenv("ESA_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            int hostStart = external.indexOf("//") + 2;
            int slash = external.indexOf('/', hostStart);
            serverUrl = slash < 0 ? external + "/" : external.substring(0, slash + 1);
            user = System.getenv().getOrDefault("ESA_TEST_JDBC_USER", "root");
            password = System.getenv().getOrDefault("ESA_TEST_JDBC_PASSWORD", "");
            return;
        }
        EmbeddedMariaDb db = EmbeddedMariaDb.start(Path.of("target", "esa-test-data"));
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-mariadb-stop"));
        serverUrl = "jdbc:mariadb://localhost:" + db.port() + "/";
        user = "root";
        password = "";
    }

    static void freshSchema(String schema) throws SQLException {
        start();
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    /** A connection in UTC, for changing and checking data behind the ESA's back. */
    static Connection connect(String schema) throws SQLException {
        start();
        Connection c = DriverManager.getConnection(serverUrl + schema, user, password);
        try (Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
        return c;
    }

    static void exec(String schema, String... sql) throws SQLException {
        try (Connection c = connect(schema); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** The demo database (customers, products, orders; writable) in a fresh schema. */
    static JdbcAdapter demoAdapter(String schema, String... extra) throws SQLException {
        freshSchema(schema);
        Map<String, String> settings = new HashMap<>();
        settings.put(JdbcAdapterConfig.JDBC_URL, serverUrl + schema);
        settings.put(JdbcAdapterConfig.JDBC_USER, user);
        settings.put(JdbcAdapterConfig.JDBC_PASSWORD, password);
        settings.put(JdbcAdapterConfig.DEMO, "true");
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null));
    }
}
