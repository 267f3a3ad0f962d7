package org.esabridge.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak writer of the table {@code item (id, v)} whose ids run from 1 to below {@code nextId}: inserts the next id,
 * deletes or updates an existing one (which may be gone already).
 */
abstract class ItemWriter extends SoakWriter {
    private final AtomicInteger nextId;

    ItemWriter(int seed, AtomicBoolean stop, int autoCommitOf20, int rollbackOneIn, AtomicInteger nextId) {
        super(seed, stop, autoCommitOf20, rollbackOneIn);
        this.nextId = nextId;
    }

    /** A writer (a transaction in four rolled back, a quarter of the rounds transactions) on {@code db}'s connections. */
    static ItemWriter on(OwnedTablesSoak.Database db, int seed, AtomicBoolean stop, AtomicInteger nextId) {
        return new ItemWriter(seed, stop, 15, 4, nextId) {
            @Override
            java.sql.Connection connect() throws SQLException {
                return db.connect();
            }
        };
    }

    @Override
    void change(Statement s) throws SQLException {
        int id = 1 + r.nextInt(nextId.get() - 1);
        switch (r.nextInt(4)) {
            case 0 -> s.execute("INSERT INTO item (id, v) VALUES (" + nextId.getAndIncrement() + ", " + r.nextInt(1000)
                    + ")");
            case 1 -> s.execute("DELETE FROM item WHERE id = " + id);
            default -> s.execute("UPDATE item SET v = v + 1 WHERE id = " + id);
        }
    }
}
