package org.esabridge.jdbc.dialect;

import org.esabridge.jdbc.JdbcAdapterConfig;

/**
 * One database engine the adapter can serve: which JDBC URLs are its, its {@link Dialect}, and, for the one engine
 * that has it, the embedded server started when no {@code jdbc-url} is given. An engine is a package of its own that
 * registers its implementation in {@code META-INF/services/org.esabridge.jdbc.dialect.Engine}; {@link Engines} is
 * the one place that picks one, so the engine-neutral code never names an engine.
 */
public interface Engine {

    /** The engine's name for people (start lines, messages, the configuration reference): the product's name. */
    String name();

    /** Whether the JDBC URL is this engine's ({@code jdbc:<subprotocol>:}). */
    boolean accepts(String jdbcUrl);

    /** The URL form shown when a URL is refused, e.g. {@code a jdbc:<subprotocol>:// URL}. */
    String urlExample();

    /** A whole URL for the configuration reference, e.g. {@code jdbc:<subprotocol>://host:<port>/db}. */
    String urlTemplate();

    /**
     * The schema of the adapter's state tables when {@code state-schema} is empty, for the configuration reference;
     * empty for the application's own schema. The dialect's {@link Dialect#defaultStateSchema} is the one used.
     */
    default String defaultStateSchema() {
        return "";
    }

    /** The dialect for this configuration (the state schema may be part of it). */
    Dialect dialect(JdbcAdapterConfig config);

    /** Whether this engine's embedded server is the one started when no {@code jdbc-url} is given. */
    default boolean embeddedDefault() {
        return false;
    }

    /**
     * Starts the embedded server and its schema {@code config.database()}; only for the {@linkplain #embeddedDefault()
     * embedded default}.
     */
    default EmbeddedServer startEmbedded(JdbcAdapterConfig config) {
        throw new UnsupportedOperationException(name() + " has no embedded server");
    }

    /** Exact capture from this engine's own log ({@link org.esabridge.jdbc.capture.LogCapture}), or null: polling. */
    default org.esabridge.jdbc.capture.LogCapture.Support logCapture() {
        return null;
    }

    /** A running embedded server: where to connect and how to stop it. */
    interface EmbeddedServer extends AutoCloseable {
        String url();

        String user();

        String password();

        @Override
        void close();
    }
}
