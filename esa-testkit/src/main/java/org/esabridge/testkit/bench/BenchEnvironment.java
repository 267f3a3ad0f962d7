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
    }

    /** A running ESA; closing stops it. */
    interface Esa extends AutoCloseable {
        URI url();

        SSLContext tls();

        /** For the report: where the server runs and with what settings. */
        String description();
    }

    Database startDatabase(Path workDir) throws Exception;

    /** @param adapterSettings settings for the adapter beyond the database's URL and credentials */
    Esa startEsa(Database database, Path workDir, Map<String, String> adapterSettings) throws Exception;
}
