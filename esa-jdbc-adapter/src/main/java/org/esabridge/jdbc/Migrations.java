package org.esabridge.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.esabridge.jdbc.cluster.Lease;
import org.esabridge.jdbc.dialect.Dialect;
import org.esabridge.jdbc.dialect.MariaDbDialect;
import org.esabridge.jdbc.dialect.StateTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the adapter's own {@code esa_} tables: numbered migrations, each applied once and
 * recorded in {@code esa_schema_version}. Nodes starting together serialise on the {@code start} lease
 * ({@link org.esabridge.jdbc.cluster.Lease}, a row, so it holds across Galera nodes too), and every statement is
 * idempotent, so a migration interrupted half-way simply runs again.
 *
 * <p>The server keeps no state of its own: configuration, tombstones, watermarks, cursors and
 * {@code needSyncAgain} flags live here. The DDL is MariaDB's; another database would bring its own list.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** Version n is the n-th entry; never edit an applied entry, append a new one. */
    private static List<List<String>> versions(StateTables state) {
        return List.of(
            List.of(
                    "CREATE TABLE IF NOT EXISTS " + state.config() + " ("
                            + " name VARCHAR(64) NOT NULL PRIMARY KEY,"
                            + " value TEXT NULL,"
                            + " updated_at DATETIME(6) NOT NULL)"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // One row per structure whose deletions are captured, with the moment capture began.
                    "CREATE TABLE IF NOT EXISTS " + state.structure() + " ("
                            + " table_name VARCHAR(64) NOT NULL PRIMARY KEY,"
                            + " tracking_since DATETIME(6) NOT NULL)"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // row_id is TEXT: a trigger must never fail a user's DELETE because an id is long.
                    "CREATE TABLE IF NOT EXISTS " + state.tombstone() + " ("
                            + " seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                            + " table_name VARCHAR(64) NOT NULL,"
                            + " row_id TEXT NOT NULL,"
                            + " deleted_at DATETIME(6) NOT NULL,"
                            + " KEY esa_tombstone_by_time (table_name, deleted_at, seq))"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
            List.of(
                    // One row per read that served changes: when it read, and the oldest moment a change it
                    // could not see may carry (changes.Watermark).
                    "CREATE TABLE IF NOT EXISTS " + state.watermark() + " ("
                            + " seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                            + " read_at DATETIME(6) NOT NULL,"
                            + " low DATETIME(6) NOT NULL,"
                            + " KEY esa_watermark_by_time (read_at, low))"
                            + " ENGINE=InnoDB",
                    // A cursor: what it covers (after, horizon] and its shape; pages are cut by first keys.
                    "CREATE TABLE IF NOT EXISTS " + state.cursor() + " ("
                            + " id CHAR(22) NOT NULL PRIMARY KEY,"
                            + " principal VARCHAR(255) NOT NULL,"
                            + " structure VARCHAR(64) NOT NULL,"
                            + " source VARCHAR(16) NOT NULL,"
                            + " requested_after DATETIME(6) NOT NULL,"
                            + " after DATETIME(6) NOT NULL,"
                            + " horizon DATETIME(6) NOT NULL,"
                            + " page_size INT NOT NULL,"
                            + " total BIGINT NOT NULL,"
                            + " page_count BIGINT NOT NULL,"
                            + " created_at DATETIME(6) NOT NULL,"
                            + " expires_at DATETIME(6) NOT NULL,"
                            + " KEY esa_cursor_by_principal (principal, expires_at),"
                            + " KEY esa_cursor_by_expiry (expires_at))"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // first_id: the row's external id, or a tombstone's seq, as text.
                    "CREATE TABLE IF NOT EXISTS " + state.cursorPage() + " ("
                            + " cursor_id CHAR(22) NOT NULL,"
                            + " page_index BIGINT NOT NULL,"
                            + " first_mod DATETIME(6) NOT NULL,"
                            + " first_id TEXT NOT NULL,"
                            + " PRIMARY KEY (cursor_id, page_index),"
                            + " CONSTRAINT esa_cursor_page_cursor FOREIGN KEY (cursor_id) REFERENCES " + state.cursor() + " (id)"
                            + " ON DELETE CASCADE)"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
            List.of(
                    // needSyncAgain per host principal, shared by every node (SyncAgainFlags).
                    "CREATE TABLE IF NOT EXISTS " + state.syncAgain() + " ("
                            + " principal VARCHAR(255) NOT NULL PRIMARY KEY,"
                            + " raised_at DATETIME(6) NOT NULL)"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
            List.of(
                    // Binlog capture (capture.BinlogReader): the latest committed change of each row, in commit
                    // order. A re-insert after a delete turns 'D' back into 'M'; a key change writes 'D' for the
                    // old id and 'M' for the new one. row_hash is the SHA-1 of row_id's UTF-8 bytes.
                    "CREATE TABLE IF NOT EXISTS " + state.change() + " ("
                            + " table_name VARCHAR(64) NOT NULL,"
                            + " row_hash BINARY(20) NOT NULL,"
                            + " row_id TEXT NOT NULL,"
                            + " kind CHAR(1) NOT NULL,"
                            + " stamp DATETIME(6) NOT NULL,"
                            + " seq BIGINT NOT NULL,"
                            + " PRIMARY KEY (table_name, row_hash),"
                            + " KEY esa_change_by_stamp (table_name, kind, stamp, seq))"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // The reader's progress, written in the same transaction as the entries (exactly-once resume).
                    "CREATE TABLE IF NOT EXISTS " + state.capture() + " ("
                            + " name VARCHAR(32) NOT NULL PRIMARY KEY,"
                            + " gtid_position TEXT NULL,"
                            + " binlog_file VARCHAR(255) NULL,"
                            + " binlog_pos BIGINT NULL,"
                            + " since DATETIME(6) NOT NULL,"
                            + " last_stamp DATETIME(6) NOT NULL,"
                            + " last_seq BIGINT NOT NULL,"
                            + " updated_at DATETIME(6) NOT NULL)"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // getCurrentTime's fence markers (capture.CaptureFence).
                    "CREATE TABLE IF NOT EXISTS " + state.fence() + " ("
                            + " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                            + " requested_at DATETIME(6) NOT NULL,"
                            + " reached_stamp DATETIME(6) NULL)"
                            + " ENGINE=InnoDB"),
            List.of(
                    // How the cursor's pages are cut (catalog.PagePlan), fixed at opening: an index created or
                    // dropped meanwhile must not change what its stored page starts mean.
                    "ALTER TABLE " + state.cursor() + " ADD COLUMN IF NOT EXISTS page_plan VARCHAR(16) NOT NULL DEFAULT 'MOD_KEYSET'"),
            List.of(
                    // Rows changed without touching their modification column (a foreign key's SET NULL or ON
                    // UPDATE CASCADE, a key change), written by the capture triggers (changes.CaptureTriggers);
                    // getModified delivers them like modified rows.
                    "CREATE TABLE IF NOT EXISTS " + state.touched() + " ("
                            + " seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                            + " table_name VARCHAR(64) NOT NULL,"
                            + " row_id TEXT NOT NULL,"
                            + " touched_at DATETIME(6) NOT NULL,"
                            + " KEY esa_touched_by_time (table_name, touched_at, seq),"
                            + " KEY esa_touched_by_age (touched_at))"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
                    // The purge of old tombstones reads by age alone: without this index it scanned, and locked,
                    // every tombstone, waiting for each open transaction that had just deleted a row.
                    "ALTER TABLE " + state.tombstone() + " ADD KEY IF NOT EXISTS esa_tombstone_by_age (deleted_at)",
                    // The identity of each captured table as last seen (changes.TableIdentity): a TRUNCATE or a
                    // recreated table changes it, and the deletion horizon starts again.
                    "ALTER TABLE " + state.structure() + " ADD COLUMN IF NOT EXISTS create_time DATETIME NULL,"
                            + " ADD COLUMN IF NOT EXISTS table_id BIGINT NULL",
                    // The first page of a modified-rows cursor that pages over esa_touched instead of the table.
                    "ALTER TABLE " + state.cursor() + " ADD COLUMN IF NOT EXISTS touched_from BIGINT NULL"),
            List.of(
                    // The connection whose end shows a lease holder gone (cluster.Lease#watch): the binlog reader's
                    // replication connection, so that another node takes over without waiting out the lease.
                    "ALTER TABLE " + state.lease() + " ADD COLUMN IF NOT EXISTS watched_holder VARCHAR(128) NULL,"
                            + " ADD COLUMN IF NOT EXISTS watched_server VARCHAR(255) NULL,"
                            + " ADD COLUMN IF NOT EXISTS watched_connection BIGINT NULL",
                    // Parts of a huge transaction the binlog reader is reading (capture.ChangeIndex#spill): in the
                    // index only once its commit is read, all at once. In key order, the newest spill's last row
                    // shows a fence that the reader is getting on (capture.CaptureProgress).
                    "CREATE TABLE IF NOT EXISTS " + state.changeSpill() + " ("
                            + " spill_id BIGINT NOT NULL,"
                            + " table_name VARCHAR(64) NOT NULL,"
                            + " row_hash BINARY(20) NOT NULL,"
                            + " row_id TEXT NOT NULL,"
                            + " kind CHAR(1) NOT NULL,"
                            + " seq BIGINT NOT NULL,"
                            + " PRIMARY KEY (spill_id, seq))"
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"));
    }

    private Migrations() {
    }

    /** The schema version this code expects. */
    static int latest() {
        return versions(StateTables.inConnectionSchema(MariaDbDialect.INSTANCE)).size();
    }

    /** Call holding the start lease (see {@link JdbcAdapter}). */
    static void migrate(Connection c, Dialect dialect, StateTables state) throws SQLException {
        List<List<String>> versions = versions(state);
        int current = current(c, state);
        for (int v = current + 1; v <= versions.size(); v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : versions.get(v - 1)) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + state.schemaVersion() + " (version, applied_at) VALUES (?, " + dialect.now() + ")")) {
                ps.setInt(1, v);
                ps.executeUpdate();
            }
            LOG.info("esa_ tables migrated to version {}", v);
        }
    }

    /** The tables that must exist before the start lease can be taken; idempotent. */
    static void createBootstrapTables(Connection c, StateTables state) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + state.schemaVersion() + " ("
                    + " version INT NOT NULL PRIMARY KEY, applied_at DATETIME(6) NOT NULL) ENGINE=InnoDB");
        }
        Lease.createTable(c, state);
    }

    static int current(Connection c, StateTables state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM " + state.schemaVersion());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
