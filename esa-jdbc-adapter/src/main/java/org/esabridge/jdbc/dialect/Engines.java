package org.esabridge.jdbc.dialect;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The one place that picks the engine: from the JDBC URL's subprotocol, among the engines on the class path
 * ({@link Engine}, registered as services); no URL means the embedded default.
 */
public final class Engines {
    private static final List<Engine> ALL = ServiceLoader.load(Engine.class, Engines.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();

    private Engines() {
    }

    /**
     * The engine of a JDBC URL, or the embedded default for null or an empty URL.
     *
     * @throws IllegalArgumentException naming the URL forms that are served, when no engine takes the URL
     */
    public static Engine forUrl(String jdbcUrl) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            return ALL.stream().filter(Engine::embeddedDefault).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no engine with an embedded server on the class path"));
        }
        String url = jdbcUrl.trim();
        return ALL.stream().filter(e -> e.accepts(url)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("expected " + examples()));
    }

    /**
     * The name of the engine whose embedded server starts when no JDBC URL is given, for the configuration
     * reference; {@code database} when no engine on the class path has one (the settings must load anyway).
     */
    public static String embeddedName() {
        return ALL.stream().filter(Engine::embeddedDefault).map(Engine::name).findFirst().orElse("database");
    }

    /** Each engine with a whole URL of its, for the configuration reference: {@code Name (jdbc:…) or …}. */
    public static String urlTemplates() {
        return ALL.stream().map(e -> e.name() + " (" + e.urlTemplate() + ")").collect(Collectors.joining(" or "));
    }

    /** Each engine with the default schema of the state tables, for the configuration reference. */
    public static String stateSchemaDefaults() {
        return ALL.stream().map(e -> e.name() + ", " + (e.defaultStateSchema().isEmpty() ? "the application's schema"
                : e.defaultStateSchema())).collect(Collectors.joining("; "));
    }

    /** The accepted URL forms, for messages and the configuration reference. */
    public static String examples() {
        return ALL.stream().map(Engine::urlExample).collect(Collectors.joining(" or "));
    }
}
