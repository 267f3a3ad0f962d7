package org.esabridge.jdbc.mariadb;

import org.esabridge.jdbc.dialect.Engine;
import org.esabridge.jdbc.dialect.Dialect;
import java.util.List;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.mariadb.capture.BinlogCapture;
import org.esabridge.jdbc.mariadb.embedded.EmbeddedMariaDb;

/** MariaDB (and MySQL's URL form): the embedded default; the state tables live in the served schema. */
public final class MariaDbEngine implements Engine {

    @Override
    public String name() {
        return "MariaDB";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:");
    }

    @Override
    public String urlExample() {
        return "a jdbc:mariadb:// URL";
    }

    @Override
    public String urlTemplate() {
        return "jdbc:mariadb://host:3306/db";
    }

    @Override
    public Dialect dialect(JdbcAdapterConfig config) {
        return MariaDbDialect.INSTANCE;
    }

    @Override
    public LogCapture.Support logCapture() {
        return BinlogCapture.SUPPORT;
    }

    @Override
    public boolean embeddedDefault() {
        return true;
    }

    @Override
    public EmbeddedServer startEmbedded(JdbcAdapterConfig config) {
        EmbeddedMariaDb embedded = EmbeddedMariaDb.start(config.dataDir(), 0, config.embeddedBinlogRetentionDays(),
                List.of());
        try {
            embedded.createSchema(config.database());
            if (!config.stateSchema().isEmpty()) {
                embedded.createSchema(config.stateSchema());
            }
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
        String url = embedded.url(config.database());
        return new EmbeddedServer() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public String user() {
                return embedded.user();
            }

            @Override
            public String password() {
                return embedded.password();
            }

            @Override
            public void close() {
                embedded.close();
            }
        };
    }
}
