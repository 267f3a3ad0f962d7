package org.esabridge.jdbc.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.Column;
import org.esabridge.jdbc.catalog.Table;
import org.esabridge.jdbc.catalog.ValueKind;
import org.esabridge.jdbc.dialect.Dialect;

/**
 * Installs the {@code AFTER DELETE} trigger that writes a tombstone ({@code esa_tombstone}) for every deleted
 * row of a table, and records in {@code esa_structure} since when deletions are tracked: a
 * {@code getDeleted} asking about an earlier time cannot be answered completely (see {@link ChangeReader}).
 *
 * <p>The trigger builds the row's external id in SQL exactly as {@code RecordId} and {@code ValueCodec} do
 * in Java (text form per column kind; composite parts escaped and joined with {@code ,}).
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
        String sql = "CREATE TRIGGER IF NOT EXISTS " + dialect.quote(triggerName(t.name())) + " AFTER DELETE ON "
                + dialect.quote(t.name()) + " FOR EACH ROW INSERT INTO esa_tombstone (table_name, row_id, deleted_at)"
                + " VALUES (" + literal(t.name()) + ", " + idExpression(t) + ", UTC_TIMESTAMP(6))";
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        // After the trigger exists, so that "tracked since" is never earlier than the first captured delete.
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT IGNORE INTO esa_structure (table_name, tracking_since) VALUES (?, UTC_TIMESTAMP(6))")) {
            ps.setString(1, t.name());
            ps.executeUpdate();
        }
    }

    String idExpression(Table t) {
        if (t.idColumns().size() == 1) {
            Column c = t.idColumns().get(0);
            return textOf(c, t.kind(c));
        }
        StringJoiner parts = new StringJoiner(", ", "CONCAT_WS(',', ", ")");
        for (Column c : t.idColumns()) {
            parts.add("REPLACE(REPLACE(" + textOf(c, t.kind(c)) + ", '%', '%25'), ',', '%2C')");
        }
        return parts.toString();
    }

    private String textOf(Column c, ValueKind kind) {
        String col = "OLD." + dialect.quote(c.name());
        return switch (kind) {
            case BOOLEAN -> "IF(" + col + ", 'true', 'false')";
            case BITS -> "CAST(" + col + " + 0 AS CHAR)";
            case DATETIME -> "REPLACE(CAST(" + col + " AS CHAR), ' ', 'T')";
            case TIMESTAMP -> "CONCAT(REPLACE(CAST(CONVERT_TZ(" + col + ", @@session.time_zone, '+00:00') AS CHAR),"
                    + " ' ', 'T'), 'Z')";
            case BINARY -> "REPLACE(TO_BASE64(" + col + "), CHAR(10), '')";
            default -> "CAST(" + col + " AS CHAR)";
        };
    }

    private static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
