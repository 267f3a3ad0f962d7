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

    /** The accepted URL forms, for messages and the configuration reference. */
    public static String examples() {
        return ALL.stream().map(Engine::urlExample).collect(Collectors.joining(" or "));
    }
}
