package org.esabridge.jdbc;

import static org.esabridge.jdbc.OwnedTablesSoak.INITIAL;
import static org.esabridge.jdbc.OwnedTablesSoak.OWNERS;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SyncHostReplicaTest} on PostgreSQL, in polling mode (the engine has no binary log for esa-bridge to read):
 * the same hosts, replicas and writer loop ({@link SoakWriter}), PostgreSQL's statements for the sideways changes
 * (a delete and re-insert in one transaction for REPLACE INTO, INSERT … ON CONFLICT for re-inserts and upserts, key
 * updates, parent deletes that cascade and set to NULL, a TRUNCATE half-way), for about 12 s.
 *
 * <p>The original's description: promise 1 under load: writers insert, update and delete for about 20 s (some transactions held open 1–3 s,
 * some rolled back) while a sync host pulls incrementally (inline or, past the threshold, through cursors)
 * into a replica. The writers also change rows sideways (issue 13): REPLACE INTO, re-inserts of deleted ids,
 * key updates, and deletes of parent rows ({@code owner}) that InnoDB cascades into a child ({@code part},
 * ON DELETE CASCADE) and sets to NULL in {@code item} (ON DELETE SET NULL); once, half-way, {@code part} is
 * truncated, and its host compares ids when getDeleted answers NOT_SUPPORTED. After one last sync each replica
 * equals its table: 0 missed, 0 stale, 0 ghosts. A naive host (the watermark off) runs alongside on
 * {@code item}, for comparison; its counts are printed, not asserted.
 */
@Tag("database")
class PostgresReplicaSoakTest {
    private static final String DB = "esa_pg_replica_test";
    private static final long RUN_MILLIS = 12_000;
    private static JdbcAdapter adapter;
    private static JdbcAdapter naive;

    /** A fresh schema, the adapter under test in the given capture mode, and a naive polling one beside it. */
    private static void start(String mode) {
        TestPostgres.freshDatabase(DB);
        String mod = " modified timestamptz NOT NULL DEFAULT now()";
        TestPostgres.exec(DB, "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " NEW.modified := now(); RETURN NEW; END $$",
                "CREATE TABLE owner (id integer PRIMARY KEY, v integer NOT NULL," + mod + ")",
                "CREATE INDEX owner_mod ON owner (modified, id)",
                "CREATE TABLE item (id integer PRIMARY KEY, v integer NOT NULL, owner_id integer NULL REFERENCES owner (id)"
                        + " ON DELETE SET NULL," + mod + ")",
                "CREATE INDEX item_mod ON item (modified, id)",
                "CREATE TABLE part (id integer PRIMARY KEY, v integer NOT NULL, owner_id integer NOT NULL REFERENCES owner (id)"
                        + " ON DELETE CASCADE," + mod + ")",
                "CREATE INDEX part_mod ON part (modified, id)",
                "CREATE TRIGGER owner_touch BEFORE UPDATE ON owner FOR EACH ROW EXECUTE FUNCTION touch()",
                "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()",
                "CREATE TRIGGER part_touch BEFORE UPDATE ON part FOR EACH ROW EXECUTE FUNCTION touch()",
                "INSERT INTO owner (id, v) SELECT g, 0 FROM generate_series(1, " + OWNERS + ") g",
                "INSERT INTO item (id, v, owner_id) SELECT g, 0, 1 + g % " + OWNERS + " FROM generate_series(1, " + INITIAL + ") g",
                "INSERT INTO part (id, v, owner_id) SELECT g, 0, 1 + g % " + OWNERS + " FROM generate_series(1, " + INITIAL + ") g");
        adapter = TestPostgres.adapter(DB, "page-size", "100", "inline-threshold", "50", "pool-size", "6",
                JdbcAdapterConfig.CHANGE_CAPTURE, mode);
        naive = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestPostgres.settings(DB, "page-size", "100",
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
            return TestPostgres.connect(DB);
        }

        @Override
        void change(Statement s) throws SQLException {
            int id = 1 + r.nextInt(nextId.get() - 1);
            int owner = 1 + r.nextInt(nextOwner.get() - 1);
            String table = r.nextInt(3) == 0 ? "part" : "item";
            switch (r.nextInt(14)) {
                case 0, 1 -> s.execute("INSERT INTO " + table + " (id, v, owner_id) SELECT " + nextId.getAndIncrement()
                        + ", " + r.nextInt(1000) + ", id FROM owner WHERE id = " + owner);
                case 2, 3 -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
                // Sideways: REPLACE INTO's two halves, the delete trigger fires for a row that lives on.
                case 4 -> s.execute("DELETE FROM " + table + " WHERE id = " + id + "; INSERT INTO " + table
                        + " (id, v, owner_id) SELECT " + id + ", " + r.nextInt(1000) + ", id FROM owner WHERE id = " + owner);
                // A deleted id inserted again, or an upsert of a live one.
                case 5 -> s.execute("INSERT INTO " + table + " (id, v, owner_id) SELECT " + id + ", -1, id FROM owner"
                        + " WHERE id = " + owner + " ON CONFLICT (id) DO " + (r.nextBoolean() ? "NOTHING"
                        : "UPDATE SET v = EXCLUDED.v"));
                case 6 -> s.execute("UPDATE " + table + " SET id = " + nextId.getAndIncrement() + " WHERE id = " + id);
                // A parent deleted: its parts go by cascade, its items' owner_id becomes NULL; then a new parent.
                case 7 -> s.execute("DELETE FROM owner WHERE id = " + owner);
                case 8 -> s.execute("INSERT INTO owner (id, v) VALUES (" + nextOwner.getAndIncrement() + ", 0)");
                default -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
            }
        }
    }

    @ParameterizedTest(name = "change-capture={0}")
    @ValueSource(strings = {"polling", "log"})
    void aReplicaPulledIncrementallyWhileWritersRunEqualsTheTable(String mode) throws Exception {
        start(mode);
        OwnedTablesSoak.run(mode, adapter, naive, RUN_MILLIS, Writer::new, () -> TestPostgres.connect(DB),
                // The statement trigger moves the horizon; getDeleted refuses the old range, the host compares ids.
                () -> TestPostgres.exec(DB, "TRUNCATE TABLE part"));
    }
}
