package org.esabridge.jdbc.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.esabridge.jdbc.catalog.ValueCodec;

/**
 * The database's UTC time to the microsecond: the one clock for stamps, horizons and {@code getCurrentTime}.
 * Every node of a cluster reads the same database, so their answers agree; the JVM's clock is never used
 * for anything stored or compared with stored times.
 */
public final class DatabaseClock {
    private final String sql;

    public DatabaseClock(Dialect dialect) {
        this.sql = "SELECT " + dialect.now();
    }

    /** The current time, read on the given connection (inside its transaction when it has one). */
    public Instant now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return ValueCodec.readInstant(rs, 1);
        }
    }
}
