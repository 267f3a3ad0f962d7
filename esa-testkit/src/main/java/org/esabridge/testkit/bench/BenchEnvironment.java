package org.esabridge.testkit.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * What the benchmark needs from the process that runs it: a database to generate tables in and read raw,
 * and an ESA serving that database over HTTPS. esa-server supplies it (embedded MariaDB, JdbcAdapter and
 * EsaServer in the same JVM), which keeps this module free of Jetty and JDBC drivers.
 */
public interface BenchEnvironment {

    /** A running database; closing stops it. */
    interface Database extends AutoCloseable {
        String jdbcUrl();

        String user();

        String password();

        /** The database's own {@code mariadb} command-line client, or null when it has none. */
        default Path mariadbClient() {
            return null;
        }

        /** {@code mariadb} or {@code postgresql}: the SQL the generated tables and the baseline speak. */
        default String engine() {
            return "mariadb";
        }

        /** PostgreSQL's {@code psql} client for the COPY baseline, or null. */
        default Path psqlClient() {
            return null;
        }

        /** The adapter's own table {@code name} as this database's SQL reaches it (its state schema). */
        default String stateTable(String name) {
            return name;
        }
    }

    /** A running ESA; closing stops it. */
    interface Esa extends AutoCloseable {
        URI url();

        SSLContext tls();

        /** For the report: where the server runs and with what settings. */
        String description();
    }

    Database startDatabase(Path workDir) throws Exception;

    /**
     * A database of {@code engine} ({@code mariadb}: {@link #startDatabase(Path)}): a private one under the work
     * directory, or, with {@code jdbcUrl}, an existing server the benchmark generates its tables in.
     */
    default Database startDatabase(Path workDir, String engine, String jdbcUrl, String user, String password)
            throws Exception {
        if (engine.equals("mariadb") && jdbcUrl == null) {
            return startDatabase(workDir);
        }
        throw new IllegalArgumentException("this program benchmarks no " + engine
                + (jdbcUrl == null ? "" : " at " + jdbcUrl));
    }

    /** @param adapterSettings settings for the adapter beyond the database's URL and credentials */
    Esa startEsa(Database database, Path workDir, Map<String, String> adapterSettings) throws Exception;
}
