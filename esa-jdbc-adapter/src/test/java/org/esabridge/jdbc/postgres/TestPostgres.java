package org.esabridge.jdbc.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.testkit.postgres.PrivatePostgres;

/**
 * The one PostgreSQL of a test JVM, as {@code TestDatabase} is the one MariaDB: {@code ESA_TEST_PG_URL} (+
 * {@code ESA_TEST_PG_USER}/{@code _PASSWORD}) when set, else a private server started on first use from the
 * machine's PostgreSQL binaries (Debian's {@code postgresql} package, which {@code .ci/run} installs) in a fresh
 * directory under the system temp directory, on a free loopback port, and stopped when the JVM ends. PostgreSQL
 * refuses to run as root, so as root it runs as the {@code postgres} account the package creates. Each test class
 * works in a database of its own, dropped and created afresh; its tables are in {@code public}, the adapter's
 * state in the {@code esa} schema of that database.
 */
public final class TestPostgres {
    private static String serverUrl;
    private static String user;
    private static String password;

    private TestPostgres() {
    }

    private static synchronized void start() {
        if (serverUrl != null) {
            return;
        }
        String external = System.getenv("ESA_TEST_PG_URL");
        if (external != null && !external.isBlank()) {
            int hostStart = external.indexOf("//") + 2;
            int slash = external.indexOf('/', hostStart);
            serverUrl = slash < 0 ? external + "/" : external.substring(0, slash + 1);
            user = System.getenv().getOrDefault("ESA_TEST_PG_USER", "postgres");
            password = System.getenv().getOrDefault("ESA_TEST_PG_PASSWORD", "");
            return;
        }
        try {
            startPrivateServer();
        } catch (IOException e) {
            throw new IllegalStateException("could not start a PostgreSQL for the tests: " + e.getMessage(), e);
        }
    }

    private static void startPrivateServer() throws IOException {
        Path dir = Files.createTempDirectory("esa-test-pg-");
        // Room for every test's pools; prepared transactions for the late-commit cases; a slot and a walsender per
        // test database for log capture (PgLogCapture).
        PrivatePostgres server = PrivatePostgres.start(dir, false, List.of("max_connections=300",
                "max_prepared_transactions=10", "max_replication_slots=40", "max_wal_senders=40"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stopImmediately();
            } catch (IOException e) {
                // the JVM is ending; the directory may stay behind
            }
            PrivatePostgres.deleteTree(dir);
        }, "embedded-postgres-stop"));
        serverUrl = server.url("");
        user = PrivatePostgres.SUPERUSER;
        password = "";
    }

    /** Drops and creates the database {@code name} (lower case). */
    public static void freshDatabase(String name) {
        start();
        try (Connection c = DriverManager.getConnection(serverUrl + "postgres", user, password);
             Statement s = c.createStatement()) {
            // A database with a logical slot cannot be dropped: end the slots' walsenders, then drop the slots.
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '" + name
                    + "' AND active_pid IS NOT NULL");
            dropSlots(s, name);
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void dropSlots(Statement s, String database) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                        + database + "'");
                return;
            } catch (SQLException e) {
                // 55006: a terminated walsender has not let go of its slot yet.
                if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    public static String url(String database) {
        start();
        return serverUrl + database;
    }

    public static String user() {
        start();
        return user;
    }

    public static String password() {
        start();
        return password;
    }

    /** A plain connection, in UTC, for arranging and checking data behind the adapter's back. */
    public static Connection connect(String database) throws SQLException {
        Connection c = DriverManager.getConnection(url(database), user, password);
        try (Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
        }
        return c;
    }

    public static void exec(String database, String... sql) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settings pointing at the database, plus {@code extra} (key, value, key, value …). */
    public static Map<String, String> settings(String database, String... extra) {
        Map<String, String> m = new HashMap<>();
        m.put(JdbcAdapterConfig.JDBC_URL, url(database));
        m.put(JdbcAdapterConfig.JDBC_USER, user);
        m.put(JdbcAdapterConfig.JDBC_PASSWORD, password);
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    public static JdbcAdapter adapter(String database, String... extra) {
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings(database, extra), null));
    }
}
