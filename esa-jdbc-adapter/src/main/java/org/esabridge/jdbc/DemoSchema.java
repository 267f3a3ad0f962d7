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

    private static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS customers ("
                    + " id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " name VARCHAR(100) NOT NULL,"
                    + " email VARCHAR(200) NULL UNIQUE,"
                    + " phone VARCHAR(40) NULL,"
                    + " notes TEXT NULL,"
                    + " vip BIT(1) NOT NULL DEFAULT 0," // a BOOLEAN field; BOOLEAN (TINYINT(1)) would be a number
                    + " modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                    + " KEY customers_modified (modified_at, id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            "CREATE TABLE IF NOT EXISTS products ("
                    + " sku VARCHAR(32) NOT NULL PRIMARY KEY,"
                    + " name VARCHAR(100) NOT NULL,"
                    + " price DECIMAL(12,2) NOT NULL,"
                    + " active BIT(1) NOT NULL DEFAULT 1,"
                    + " modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                    + " KEY products_modified (modified_at, sku)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
            "CREATE TABLE IF NOT EXISTS orders ("
                    + " id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " customer_id INT NOT NULL,"
                    + " product_sku VARCHAR(32) NOT NULL,"
                    + " quantity INT NOT NULL DEFAULT 1,"
                    + " ordered_on DATE NOT NULL,"
                    + " modified_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                    + " KEY orders_modified (modified_at, id),"
                    + " CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),"
                    + " CONSTRAINT orders_product FOREIGN KEY (product_sku) REFERENCES products (sku))"
                    + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");

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
            for (String sql : DDL) {
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
