package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.StateTables;

/**
 * The {@code demo} sample schema: customers, products and orders referring to both, each with a
 * microsecond {@code modified_at ... ON UPDATE CURRENT_TIMESTAMP(6)} and an index on (modified_at, id).
 * Created with a few rows on first start only (marked in {@code esa_config}), so that a newcomer's edits
 * survive restarts. Writable unless configured otherwise.
 */
final class DemoSchema {
    static final Set<String> TABLES = Set.of("customers", "products", "orders");

    private static final List<String> ROWS = List.of(
            "INSERT INTO customers (id, name, email, phone, vip) VALUES"
                    + " (1, 'Ada Lovelace', 'ada@example.org', '+44 20 7946 0001', TRUE),"
                    + " (2, 'Alan Turing', 'alan@example.org', NULL, FALSE),"
                    + " (3, 'Grace Hopper', 'grace@example.org', '+1 202 555 0143', TRUE)",
            "INSERT INTO products (sku, name, price) VALUES"
                    + " ('BOOK-001', 'Notes on the Analytical Engine', 24.90),"
                    + " ('MUG-042', 'Mug, 0.3 l', 9.50),"
                    + " ('KIT-007', 'Soldering kit', 59.00)",
            "INSERT INTO orders (customer_id, product_sku, quantity, ordered_on) VALUES"
                    + " (1, 'BOOK-001', 2, '2026-11-02'), (2, 'KIT-007', 1, '2026-11-12'), (3, 'MUG-042', 4, '2026-11-20')");

    private DemoSchema() {
    }

    /** Creates the tables and rows unless done before in this schema. */
    static void createOnce(Connection c, Dialect dialect, StateTables state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + state.config() + " WHERE name = 'demo-created'");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            for (String sql : dialect.demoSchemaSql()) {
                s.execute(sql);
            }
            for (String sql : ROWS) {
                s.execute(sql);
            }
            s.execute(dialect.insertIfAbsent(state.config(), "name, value, updated_at",
                    "VALUES ('demo-created', 'true', " + dialect.now() + ")"));
        }
    }
}
