package org.esabridge.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.esabridge.testkit.postgres.PrivatePostgres;

/**
 * The private PostgreSQL {@code bench --engine postgresql} runs against ({@link PrivatePostgres}, as the tests'
 * {@code TestPostgres} starts one), with durable settings as shipped: the figures should be a server's, not a test
 * server's. As root the server runs as the {@code postgres} account, so its cluster lives in a fresh directory under
 * the temp directory (the work directory is usually under {@code /root}, which that account cannot enter) and is
 * deleted when it stops; as another user it lives in {@code <work-dir>/postgresql} and is kept, with its tables,
 * between runs.
 */
final class BenchPostgres implements AutoCloseable {
    static final String SUPERUSER = PrivatePostgres.SUPERUSER;

    private final PrivatePostgres server;
    private final Path dir;
    private final boolean temporary;

    private BenchPostgres(PrivatePostgres server, Path dir, boolean temporary) {
        this.server = server;
        this.dir = dir;
        this.temporary = temporary;
    }

    static BenchPostgres start(Path workDir, String database) throws IOException, SQLException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = root ? Files.createTempDirectory("esa-bench-pg-")
                : Files.createDirectories(workDir.toAbsolutePath().resolve("postgresql"));
        BenchPostgres pg;
        try {
            pg = new BenchPostgres(PrivatePostgres.start(dir, true,
                    List.of("max_replication_slots=10", "max_wal_senders=10")), dir, root);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; or give --jdbc-url of a running server", e);
        }
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), SUPERUSER, "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    String url(String database) {
        return server.url(database);
    }

    Path psql() {
        return server.binaries().resolve("psql");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("bench: stopping PostgreSQL: " + e.getMessage());
        }
        if (temporary) {
            PrivatePostgres.deleteTree(dir);
        }
    }
}
