package org.esabridge.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.esabridge.jdbc.JdbcAdapter;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.jdbc.TestDatabase;

/**
 * The end-to-end tests' MariaDB: esa-jdbc-adapter's {@link TestDatabase} ({@code ESA_TEST_JDBC_URL} when set,
 * else the embedded server under {@code target/}), with the demo schema on top. Each test class gets its own
 * schema, created afresh.
 */
final class EndToEndDatabase {

    private EndToEndDatabase() {
    }

    /** A connection in UTC, for changing and checking data behind the ESA's back. */
    static Connection connect(String schema) throws SQLException {
        return TestDatabase.connect(schema);
    }

    static void exec(String schema, String... sql) {
        TestDatabase.exec(schema, sql);
    }

    /** The demo database (customers, products, orders; writable) in a fresh schema. */
    static JdbcAdapter demoAdapter(String schema, String... extra) {
        TestDatabase.freshSchema(schema);
        String[] settings = Stream.concat(Stream.of(JdbcAdapterConfig.DEMO, "true"), Arrays.stream(extra))
                .toArray(String[]::new);
        return TestDatabase.adapter(schema, settings);
    }
}
