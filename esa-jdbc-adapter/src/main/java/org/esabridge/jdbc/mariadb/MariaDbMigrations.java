package org.esabridge.jdbc.mariadb;

import org.esabridge.jdbc.dialect.StateTables;
import java.util.List;

/**
 * MariaDB's DDL of the adapter's own {@code esa_} tables ({@code Migrations} runs them, {@link MariaDbDialect}
 * hands them over): numbered migrations, each applied once, named where {@link StateTables} says (the application's
 * schema unless {@code state-schema} names another).
 */
final class MariaDbMigrations {
    /** Version n is the n-th entry; never edit an applied entry, append a new one. */
    static List<List<String>> versions(StateTables state) {
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
                            + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
            // Version 8 re-keys another engine's change index; nothing changes here.
            List.of(),
            List.of(
                    // Version 9: the change index kept in the order it is read, clustered by (table_name, kind, stamp,
                    // seq), so that a page of entries (and the row_id each names) is a few adjacent pages of the table. Keyed
                    // by the row's hash, a page's 5000 entries were 5000 random lookups from the stamp index into the
                    // primary key, mostly disk reads once the index outgrew the buffer pool (measured: 0.6-0.8 s a
                    // page at 1M entries, against ~20 ms for a page of a full sync). The hash key stays, unique: the
                    // reader's upsert and the index-stamped tables' join find a row's entry by it. A rebuild, once.
                    "ALTER TABLE " + state.change() + " DROP PRIMARY KEY, DROP KEY IF EXISTS esa_change_by_stamp,"
                            + " ADD PRIMARY KEY (table_name, kind, stamp, seq),"
                            + " ADD UNIQUE KEY IF NOT EXISTS esa_change_by_row (table_name, row_hash)"));
    }

    /** The tables that must exist before the start lease can be taken; idempotent. */
    static List<String> bootstrap(StateTables state) {
        return List.of("CREATE TABLE IF NOT EXISTS " + state.schemaVersion() + " ("
                        + " version INT NOT NULL PRIMARY KEY, applied_at DATETIME(6) NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE IF NOT EXISTS " + state.lease() + " ("
                        + " name VARCHAR(64) NOT NULL PRIMARY KEY,"
                        + " holder VARCHAR(128) NULL,"
                        + " expires_at DATETIME(6) NOT NULL,"
                        + " watched_holder VARCHAR(128) NULL,"
                        + " watched_server VARCHAR(255) NULL,"
                        + " watched_connection BIGINT NULL)"
                        + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    }

    /** The demo schema's tables ({@code DemoSchema} adds the rows). */
    static final List<String> DEMO = List.of(
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

    private MariaDbMigrations() {
    }
}
