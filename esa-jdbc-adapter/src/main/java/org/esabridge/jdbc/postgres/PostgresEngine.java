package org.esabridge.jdbc.postgres;

import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.Engine;

/**
 * PostgreSQL 13 or later ({@code pg_current_snapshot}, {@code CREATE OR REPLACE TRIGGER} needs 14), reached by
 * {@code jdbc:postgresql://host:5432/db}: the served tables are those of the connection's current schema (the URL's
 * {@code currentSchema}, else the first existing schema of the role's search path, usually {@code public}); the
 * adapter's state lives in a schema of its own, {@code state-schema} (default {@code esa}).
 */
public final class PostgresEngine implements Engine {
    /** The state schema when {@code state-schema} is empty. */
    public static final String DEFAULT_STATE_SCHEMA = "esa";

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String urlExample() {
        return "a jdbc:postgresql:// URL";
    }

    @Override
    public String urlTemplate() {
        return "jdbc:postgresql://host:5432/db?currentSchema=app";
    }

    @Override
    public String defaultStateSchema() {
        return DEFAULT_STATE_SCHEMA;
    }

    @Override
    public org.esabridge.jdbc.capture.LogCapture.Support logCapture() {
        return PgLogCapture.SUPPORT;
    }

    @Override
    public Dialect dialect(JdbcAdapterConfig config) {
        String schema = config.stateSchema();
        return new PostgresDialect(schema == null || schema.isEmpty() ? DEFAULT_STATE_SCHEMA : schema);
    }
}
