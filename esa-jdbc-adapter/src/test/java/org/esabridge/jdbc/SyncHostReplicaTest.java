package org.esabridge.jdbc;

import static org.esabridge.jdbc.OwnedTablesSoak.INITIAL;
import static org.esabridge.jdbc.OwnedTablesSoak.OWNERS;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.jdbc.changes.Watermark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Promise 1 under load: writers insert, update and delete for about 20 s (some transactions held open 1–3 s,
 * some rolled back) while a sync host pulls incrementally (inline or, past the threshold, through cursors)
 * into a replica. The writers also change rows sideways (issue 13): REPLACE INTO, re-inserts of deleted ids,
 * key updates, and deletes of parent rows ({@code owner}) that InnoDB cascades into a child ({@code part},
 * ON DELETE CASCADE) and sets to NULL in {@code item} (ON DELETE SET NULL); once, half-way, {@code part} is
 * truncated, and its host compares ids when getDeleted answers NOT_SUPPORTED. After one last sync each replica
 * equals its table: 0 missed, 0 stale, 0 ghosts. A naive host (the watermark off) runs alongside on
 * {@code item}, for comparison; its counts are printed, not asserted.
 */
@Tag("database")
class SyncHostReplicaTest {
    private static final String DB = "esa_replica_test";
    private static final long RUN_MILLIS = 20_000;
    private static JdbcAdapter adapter;
    private static JdbcAdapter naive;

    /** A fresh schema, the adapter under test in the given capture mode, and a naive polling one beside it. */
    private static void start(String mode) {
        TestDatabase.freshSchema(DB);
        String mod = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
        TestDatabase.exec(DB, "CREATE TABLE owner (id INT PRIMARY KEY, v INT NOT NULL," + mod + ", KEY owner_mod (modified, id))",
                "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, owner_id INT NULL," + mod + ","
                        + " KEY item_mod (modified, id), FOREIGN KEY (owner_id) REFERENCES owner (id) ON DELETE SET NULL)",
                "CREATE TABLE part (id INT PRIMARY KEY, v INT NOT NULL, owner_id INT NOT NULL," + mod + ","
                        + " KEY part_mod (modified, id), FOREIGN KEY (owner_id) REFERENCES owner (id) ON DELETE CASCADE)",
                "INSERT INTO owner (id, v) SELECT seq, 0 FROM seq_1_to_" + OWNERS,
                "INSERT INTO item (id, v, owner_id) SELECT seq, 0, 1 + seq % " + OWNERS + " FROM seq_1_to_" + INITIAL,
                "INSERT INTO part (id, v, owner_id) SELECT seq, 0, 1 + seq % " + OWNERS + " FROM seq_1_to_" + INITIAL);
        adapter = TestDatabase.adapter(DB, "page-size", "100", "inline-threshold", "50", "pool-size", "6",
                JdbcAdapterConfig.CHANGE_CAPTURE, mode);
        naive = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB, "page-size", "100",
                "inline-threshold", "50", "pool-size", "6", JdbcAdapterConfig.CHANGE_CAPTURE, "polling"), null),
                Watermark.Mode.OFF);
    }

    @AfterEach
    void stop() {
        adapter.close();
        naive.close();
    }

    /** Mixed writes, sideways ones among them, until told to stop. */
    private static final class Writer extends SoakWriter {
        private final AtomicInteger nextId;
        private final AtomicInteger nextOwner;

        Writer(int seed, AtomicBoolean stop, AtomicInteger nextId, AtomicInteger nextOwner) {
            super(seed, stop, 16, 5);
            this.nextId = nextId;
            this.nextOwner = nextOwner;
        }

        @Override
        Connection connect() throws SQLException {
            return TestDatabase.connect(DB);
        }

        @Override
        void change(Statement s) throws SQLException {
            int id = 1 + r.nextInt(nextId.get() - 1);
            int owner = 1 + r.nextInt(nextOwner.get() - 1);
            String table = r.nextInt(3) == 0 ? "part" : "item";
            switch (r.nextInt(14)) {
                case 0, 1 -> s.execute("INSERT INTO " + table + " (id, v, owner_id) VALUES (" + nextId.getAndIncrement()
                        + ", " + r.nextInt(1000) + ", " + owner + ")");
                case 2, 3 -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
                // Sideways: the delete half fires the delete trigger for a row that lives on.
                case 4 -> s.execute("REPLACE INTO " + table + " (id, v, owner_id) VALUES (" + id + ", " + r.nextInt(1000)
                        + ", " + owner + ")");
                // A deleted id inserted again (IGNORE: the id may be live, the owner gone).
                case 5 -> s.execute("INSERT IGNORE INTO " + table + " (id, v, owner_id) VALUES (" + id + ", -1, " + owner + ")");
                case 6 -> s.execute("UPDATE IGNORE " + table + " SET id = " + nextId.getAndIncrement() + " WHERE id = " + id);
                // A parent deleted: its parts go by cascade, its items' owner_id becomes NULL; then a new parent.
                case 7 -> s.execute("DELETE FROM owner WHERE id = " + owner);
                case 8 -> s.execute("INSERT INTO owner (id, v) VALUES (" + nextOwner.getAndIncrement() + ", 0)");
                default -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
            }
        }
    }

    @ParameterizedTest(name = "change-capture={0}")
    @ValueSource(strings = {"polling", "binlog"})
    void aReplicaPulledIncrementallyWhileWritersRunEqualsTheTable(String mode) throws Exception {
        start(mode);
        OwnedTablesSoak.run(mode, adapter, naive, RUN_MILLIS, Writer::new, () -> TestDatabase.connect(DB),
                // No trigger fires: startSync notices the new table id, getDeleted refuses the old range.
                () -> TestDatabase.exec(DB, "TRUNCATE TABLE part"));
    }
}
