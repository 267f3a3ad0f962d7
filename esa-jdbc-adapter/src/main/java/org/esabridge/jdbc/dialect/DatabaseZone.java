package org.esabridge.jdbc.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's own time zone: what {@code NOW()} means in a session that did not set one, and so the zone
 * of a DATETIME modification column written by such sessions (unless {@code structure.<table>.modified-zone}
 * says otherwise). Resolved once at start and logged.
 *
 * <p>The dialect's {@link Dialect#databaseZoneSql} answers the configured zone — a named zone, an offset, or
 * {@code SYSTEM}: then the operating system's zone, of which a server may only tell an abbreviation ({@code UTC},
 * {@code CET}, {@code PST} …). An abbreviation Java cannot resolve becomes the system zone's current offset,
 * with a WARN: right until the next daylight-saving change, so the way out is named.
 */
public final class DatabaseZone {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseZone.class);

    private DatabaseZone() {
    }

    public static ZoneId resolve(Connection c, Dialect dialect) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.databaseZoneSql()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            String global = rs.getString(1);
            String system = rs.getString(2);
            int offsetSeconds = rs.getInt(3);
            ZoneId zone = parse(global);
            if (zone != null) {
                LOG.info("database time zone: {} (the database's time zone setting); DATETIME modification columns are read in it"
                        + " unless structure.<table>.modified-zone says otherwise", zone);
                return zone;
            }
            zone = parse(system);
            if (zone != null) {
                LOG.info("database time zone: {} (the server's system zone); DATETIME modification columns"
                        + " are read in it unless structure.<table>.modified-zone says otherwise", zone);
                return zone;
            }
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetSeconds);
            LOG.warn("the database's system time zone '{}' is not a zone Java knows; DATETIME modification columns are"
                    + " read at its current offset {}, which a daylight-saving change makes wrong. Set"
                    + " structure.<table>.modified-zone (or the server's time_zone) to a named zone", system, offset);
            return offset;
        }
    }

    /** A zone from the database's spelling, or null ({@code SYSTEM}, or an abbreviation Java does not know). */
    static ZoneId parse(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("SYSTEM")) {
            return null;
        }
        try {
            return ZoneId.of(name.trim(), ZoneId.SHORT_IDS).normalized();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
