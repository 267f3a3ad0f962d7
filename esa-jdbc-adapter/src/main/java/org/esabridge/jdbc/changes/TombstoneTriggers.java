package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Installs the {@code AFTER DELETE} trigger that writes a tombstone ({@code esa_tombstone}) for every deleted
 * row of a table, and records in {@code esa_structure} since when deletions are tracked: a
 * {@code getDeleted} asking about an earlier time cannot be answered completely (see {@link ChangeReader}).
 *
 * <p>The trigger builds the row's external id in SQL exactly as {@code RecordId} and {@code ValueCodec} do
 * in Java (text form per column kind; composite parts escaped and joined with {@code ,}); its text is the
 * dialect's ({@link Dialect#tombstoneTriggerSql}).
 */
public final class TombstoneTriggers {
    private final Dialect dialect;

    public TombstoneTriggers(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The trigger's name: {@code esa_del_<table>}, hashed when that would exceed 64 characters. */
    public static String triggerName(String table) {
        return CatalogLoader.esaName("esa_del_", table);
    }

    /** Creates the trigger when missing (idempotent, safe against a concurrent node) and notes the start. */
    public void ensure(Connection c, Table t) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(dialect.tombstoneTriggerSql(t, triggerName(t.name())));
        }
        // After the trigger exists, so that "tracked since" is never earlier than the first captured delete.
        try (PreparedStatement ps = c.prepareStatement(dialect.insertIfAbsent("esa_structure",
                "table_name, tracking_since", "VALUES (?, " + dialect.now() + ")"))) {
            ps.setString(1, t.name());
            ps.executeUpdate();
        }
    }
}
