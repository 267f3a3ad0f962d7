package org.esabridge.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;

/**
 * The one MariaDB of a test JVM: {@code ESA_TEST_JDBC_URL} (+ {@code ESA_TEST_JDBC_USER}/{@code _PASSWORD})
 * when set, else an embedded server started on first use with its data under {@code target/} (outside the
 * system temp directory when the checkout is not there) and stopped when the JVM ends. Each test class works
 * in its own schema, dropped and created afresh, so classes never see each other's tables. Shared with
 * esa-server's end-to-end tests through this module's test-jar.
 */
public final class TestDatabase {
    private static String serverUrl;
    private static String user;
    private static String password;

    private TestDatabase() {
    }

    private static synchronized void start() {
        if (serverUrl != null) {
            return;
        }
        String external = System.getenv("ESA_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            // Keep scheme, host and port; each class picks its own schema.
            int hostStart = external.indexOf("//") + 2;
            int slash = external.indexOf('/', hostStart);
            serverUrl = slash < 0 ? external + "/" : external.substring(0, slash + 1);
            user = System.getenv().getOrDefault("ESA_TEST_JDBC_USER", "root");
            password = System.getenv().getOrDefault("ESA_TEST_JDBC_PASSWORD", "");
            return;
        }
        EmbeddedMariaDb db = EmbeddedMariaDb.start(Path.of("target", "esa-test-data"));
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-mariadb-stop"));
        serverUrl = db.url("");
        user = db.user();
        password = db.password();
    }

    /** Drops and creates the schema. */
    public static void freshSchema(String schema) {
        start();
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String url(String schema) {
        start();
        return serverUrl + schema;
    }

    /** A plain connection to the schema, in UTC, for arranging and checking data behind the adapter's back. */
    public static Connection connect(String schema) throws SQLException {
        Connection c = DriverManager.getConnection(url(schema), user, password);
        try (Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
        return c;
    }

    /** A data source of plain connections to the schema, for code under test that takes one. */
    public static javax.sql.DataSource dataSource(String schema) throws SQLException {
        org.mariadb.jdbc.MariaDbDataSource ds = new org.mariadb.jdbc.MariaDbDataSource(url(schema));
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    public static void exec(String schema, String... sql) {
        try (Connection c = connect(schema); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settings pointing at the schema, plus {@code extra} (key, value, key, value …). */
    public static Map<String, String> settings(String schema, String... extra) {
        Map<String, String> m = new HashMap<>();
        m.put(JdbcAdapterConfig.JDBC_URL, url(schema));
        m.put(JdbcAdapterConfig.JDBC_USER, user);
        m.put(JdbcAdapterConfig.JDBC_PASSWORD, password);
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    public static JdbcAdapter adapter(String schema, String... extra) {
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(schema, extra), null));
    }
}
