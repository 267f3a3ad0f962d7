package org.esabridge.jdbc;

import static org.esabridge.jdbc.LateCommitReads.MODIFIED;
import static org.esabridge.jdbc.LateCommitReads.waitPast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.changes.Watermark;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's own late-commit cases for its watermark ({@code postgres.PostgresWatermark}; the engines' shared
 * scenarios are {@link LateCommitTest}'s): a prepared (two-phase) transaction, which no session shows and which the
 * snapshot check turns into the fallback lag; the watermark each read records; an account without
 * {@code pg_read_all_stats}. Deterministic: the test holds the transactions open itself.
 */
@Tag("database")
class PostgresLateCommitTest {
    private static final String DB = "esa_pg_late_commit_test";
    private static final String[] POLLING = {JdbcAdapterConfig.CHANGE_CAPTURE, "polling"};
    private static JdbcAdapter guarded;

    @BeforeAll
    static void start() {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB,
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.modified := now();"
                        + " RETURN NEW; END $$",
                "CREATE TABLE item (id integer PRIMARY KEY, v text, modified timestamptz NOT NULL DEFAULT now())",
                "CREATE INDEX item_mod ON item (modified, id)",
                "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch()");
        guarded = TestPostgres.adapter(DB, POLLING);
    }

    @AfterAll
    static void stop() {
        guarded.close();
    }

    @Test
    void aPreparedTransactionNoSessionShowsFallsBackToTheLagAndIsDelivered() throws Exception {
        TestPostgres.exec(DB, "INSERT INTO item (id, v) VALUES (40, 'old')");
        long staleBefore = guarded.staleWatermarkReads();
        try (Connection writer = TestPostgres.connect(DB); Statement s = writer.createStatement()) {
            Instant previous = guarded.getCurrentTime();
            s.execute("BEGIN");
            s.execute("UPDATE item SET v = 'prepared' WHERE id = 40");
            s.execute("PREPARE TRANSACTION 'esa_late_commit'");
            Instant first = waitPast(guarded, previous.plusMillis(1100));
            List<String> firstSync = MODIFIED.read(guarded, previous);
            assertTrue(guarded.staleWatermarkReads() > staleBefore,
                    "the snapshot names a transaction no session shows: the list is not trusted");
            s.execute("COMMIT PREPARED 'esa_late_commit'");
            assertFalse(firstSync.contains("40=prepared"));
            List<String> second = MODIFIED.read(guarded, first);
            assertTrue(second.contains("40=prepared"), second.toString());
        }
    }

    @Test
    void everyReadRecordsAWatermarkNoLaterThanTheOldestOpenTransaction() throws Exception {
        assertEquals(Watermark.Mode.OPEN_TRANSACTIONS, guarded.watermarkMode(), "a superuser may read pg_stat_activity");
        try (Connection writer = TestPostgres.connect(DB); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.execute("SELECT 1");
            Instant start = EngineFixture.POSTGRES_POLLING.now(s);
            Instant now = waitPast(guarded, start.plusMillis(2100));
            guarded.getModified("item", now, new RecordingResultHandler());
            try (Connection c = TestPostgres.connect(DB); Statement q = c.createStatement();
                 ResultSet rs = q.executeQuery("SELECT read_at, low FROM esa.esa_watermark ORDER BY seq DESC LIMIT 1")) {
                rs.next();
                Instant low = rs.getObject(2, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                assertFalse(low.isAfter(start), "low " + low + " <= the open transaction's start " + start);
                assertTrue(low.isAfter(start.minusSeconds(4)), "and not far before it: " + low + " vs " + start);
            }
            writer.rollback();
        }
    }

    @Test
    void withoutPgReadAllStatsTheWatermarkFallsBackToTheLag() throws Exception {
        String db = "esa_pg_limited_test";
        TestPostgres.freshDatabase(db);
        TestPostgres.exec(db, "DROP ROLE IF EXISTS esa_limited", "CREATE ROLE esa_limited LOGIN",
                "GRANT CONNECT, CREATE ON DATABASE " + db + " TO esa_limited",
                "CREATE TABLE item (id integer PRIMARY KEY, modified timestamptz NOT NULL DEFAULT now())",
                "GRANT USAGE ON SCHEMA public TO esa_limited",
                "GRANT SELECT, INSERT, UPDATE, DELETE, TRIGGER ON item TO esa_limited");
        java.util.Map<String, String> settings = TestPostgres.settings(db, POLLING[0], POLLING[1],
                "structure.item.modified-column", "modified");
        settings.put(JdbcAdapterConfig.JDBC_USER, "esa_limited");
        try (JdbcAdapter limited = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null))) {
            assertEquals(Watermark.Mode.FIXED_LAG, limited.watermarkMode());
            Instant t0 = limited.getCurrentTime();
            TestPostgres.exec(db, "INSERT INTO item (id) VALUES (1)", "DELETE FROM item WHERE id = 1");
            RecordingResultHandler sink = new RecordingResultHandler();
            assertTrue(limited.getDeleted("item", t0, sink));
            assertEquals(List.of("1"), sink.ids(), "the superuser's delete ran our trigger, which needs no grant of it");
        }
        TestPostgres.exec(db, "GRANT pg_read_all_stats TO esa_limited");
        try (JdbcAdapter granted = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null))) {
            assertEquals(Watermark.Mode.OPEN_TRANSACTIONS, granted.watermarkMode());
        }
    }
}
