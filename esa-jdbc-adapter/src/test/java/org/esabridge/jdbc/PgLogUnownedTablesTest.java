package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.esabridge.api.ExternalStructure;
import org.esabridge.jdbc.capture.CaptureMode;
import org.esabridge.jdbc.capture.LogCapture;
import org.esabridge.jdbc.postgres.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tables the account does not own, in log mode on PostgreSQL: the account cannot add them to the publication, so they
 * are polled (or, without a modification column, not served, for that reason and with its remedy). An administrator
 * who adds one by hand ({@code ALTER PUBLICATION … ADD TABLE} as a superuser), with or without a restart, or gives the
 * account its ownership, makes it join the log capture like a table created while running: polled until its join
 * mark is indexed. A host syncing on from its last polled sync misses nothing of what changed between that sync, the
 * ALTER and the switch.
 */
@Tag("database")
class PgLogUnownedTablesTest {
    private static final String DB = "esa_pg_hand_published_test";
    private static final String ACCOUNT = "esa_not_owner";

    @Test
    void aTablePublishedByHandIsJoinedAtTheRestartAndTheHostMissesNothing() throws Exception {
        Map<String, String> settings = unownedItem();
        AtomicReference<JdbcAdapter> node = new AtomicReference<>(start(settings));
        try {
            assertEquals(CaptureMode.BINLOG, node.get().captureMode());
            assertTrue(capture(node).uncapturable().containsKey("item"), "not its owner: polled "
                    + capture(node).uncapturable());
            ReplicaHost host = new ReplicaHost(node::get, "host", "item");
            host.sync();
            TestPostgres.exec(DB, "UPDATE item SET v = 1 WHERE id <= 10", "DELETE FROM item WHERE id BETWEEN 91 AND 95");
            host.sync(); // the host's last polled sync

            TestPostgres.exec(DB, "UPDATE item SET v = 2 WHERE id BETWEEN 11 AND 20",
                    "DELETE FROM item WHERE id BETWEEN 96 AND 97", "INSERT INTO item (id, v) VALUES (201, 2), (202, 2)");
            TestPostgres.exec(DB, "ALTER PUBLICATION esa_bridge ADD TABLE item"); // by hand, as a superuser
            TestPostgres.exec(DB, "UPDATE item SET v = 3 WHERE id BETWEEN 21 AND 30",
                    "DELETE FROM item WHERE id = 98", "INSERT INTO item (id, v) VALUES (203, 3)");
            node.getAndSet(null).close();
            node.set(start(settings));
            TestPostgres.exec(DB, "UPDATE item SET v = 4 WHERE id BETWEEN 31 AND 35",
                    "DELETE FROM item WHERE id = 99", "INSERT INTO item (id, v) VALUES (204, 4)");

            long deadline = System.nanoTime() + 60_000_000_000L;
            do {
                assertTrue(System.nanoTime() < deadline, "item never came to be read from the log");
                host.sync();
            } while (capture(node).uncapturable().containsKey("item"));
            TestPostgres.exec(DB, "UPDATE item SET v = 5 WHERE id BETWEEN 36 AND 40", "DELETE FROM item WHERE id = 100");
            host.sync();
            assertReplicaEqualsTable(host);
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'item' AND kind = 'J'"),
                    "the index marks where item joined: an earlier 'after' reads the whole table");
        } finally {
            JdbcAdapter last = node.get();
            if (last != null) {
                last.close();
            }
        }
    }

    @Test
    void aTablePublishedByHandWhileRunningJoinsAtTheNextCatalogReloadAndTheHostMissesNothing() throws Exception {
        try (JdbcAdapter adapter = start(unownedItem())) {
            LogCapture capture = (LogCapture) adapter.captureStatus();
            assertTrue(capture.uncapturable().containsKey("item"), capture.uncapturable().toString());
            ReplicaHost host = new ReplicaHost(adapter, "host", "item");
            host.sync();
            TestPostgres.exec(DB, "UPDATE item SET v = 1 WHERE id <= 10", "DELETE FROM item WHERE id BETWEEN 91 AND 95");
            host.sync();
            TestPostgres.exec(DB, "UPDATE item SET v = 2 WHERE id BETWEEN 11 AND 20",
                    "DELETE FROM item WHERE id BETWEEN 96 AND 97", "INSERT INTO item (id, v) VALUES (201, 2), (202, 2)");
            TestPostgres.exec(DB, "ALTER PUBLICATION esa_bridge ADD TABLE item");
            TestPostgres.exec(DB, "UPDATE item SET v = 3 WHERE id BETWEEN 21 AND 30",
                    "DELETE FROM item WHERE id = 98", "INSERT INTO item (id, v) VALUES (203, 3)");
            long deadline = System.nanoTime() + 60_000_000_000L;
            do {
                assertTrue(System.nanoTime() < deadline, "item never came to be read from the log");
                host.sync(); // startSync reloads the catalog: item joins
            } while (capture.uncapturable().containsKey("item"));
            TestPostgres.exec(DB, "UPDATE item SET v = 4 WHERE id BETWEEN 31 AND 35", "DELETE FROM item WHERE id = 99");
            host.sync();
            assertReplicaEqualsTable(host);
            assertEquals(1, count("SELECT count(*) FROM esa.esa_change WHERE table_name = 'item' AND kind = 'J'"));
        }
    }

    /**
     * Without a modification column only the change index dates a row: a table the account does not own is not
     * served, and the start says why — ownership, not the log — with both remedies; once the account owns it, it
     * joins the log capture at the next catalog reload, shown as joining (not served) until the join completes.
     */
    @Test
    void anUnownedTableWithoutAModificationColumnIsNotServedForThatReasonAndJoinsOnceOwned() throws Exception {
        Map<String, String> settings = unownedItem("CREATE TABLE plain (id INT PRIMARY KEY, v TEXT)",
                "INSERT INTO plain VALUES (1, 'one')");
        try (JdbcAdapter adapter = start(settings)) {
            List<String> summary = adapter.captureSummary();
            assertEquals("not served: 1 table(s) with no modification column, and not in publication esa_bridge since"
                    + " the account does not own it (plain) - ALTER TABLE <table> OWNER TO esa_not_owner, or ALTER"
                    + " PUBLICATION \"esa_bridge\" ADD TABLE <table> as its owner (served from the next catalog reload on,"
                    + " once it joined the log capture); or add a modification column, or set"
                    + " structure.<table>.change-tracking=version-table", summary.get(summary.size() - 1));
            assertTrue(summary.get(0).contains("polled by their modification column instead: item (not in publication"
                    + " esa_bridge: the account does not own it (remedy: ALTER TABLE \"item\" OWNER TO esa_not_owner, or"
                    + " ALTER PUBLICATION \"esa_bridge\" ADD TABLE \"item\" as its owner; it joins the log capture at"
                    + " the next catalog reload (startSync)))"), summary.get(0));
            // item is polled: its deletions come from its triggers, not from the log (the line said otherwise).
            assertTrue(summary.get(1).startsWith("deletions: 1 by triggers (polled). Key changes, re-inserted ids and"
                    + " foreign-key cascades come from the write-ahead log (logical decoding, pgoutput) (on the polled"
                    + " tables by triggers);"), summary.get(1));

            TestPostgres.exec(DB, "ALTER TABLE plain OWNER TO " + ACCOUNT);
            assertFalse(structures(adapter).contains("plain"), "joining at this reload: not served yet");
            summary = adapter.captureSummary();
            assertEquals("not served: 1 table(s) with no modification column, joining the log capture (publication"
                    + " esa_bridge) (plain) - served once the change index holds every change of it, usually within"
                    + " seconds", summary.get(summary.size() - 1));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!structures(adapter).contains("plain")) {
                assertTrue(System.nanoTime() < deadline, "plain never came to be served");
            }
            assertEquals("one", adapter.read("plain", "1").fields().get(0).text());
            summary = adapter.captureSummary();
            assertFalse(String.join("\n", summary).contains("plain"), summary.toString());
        }
    }

    /**
     * A schema of tables the account does not own: the start names the reason and its remedy once, with the tables
     * (it named the same remedy for every table, a line of pages on a real schema).
     */
    @Test
    void unownedTablesAreNamedOnceWithTheirReasonAndRemedy() throws Exception {
        EngineFixture pg = EngineFixture.POSTGRES_LOG;
        List<String> more = new java.util.ArrayList<>();
        for (String t : List.of("item2", "item3")) {
            more.add("CREATE TABLE " + t + " (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")");
            more.addAll(pg.stampedOnUpdate(t));
        }
        Map<String, String> settings = unownedItem(more.toArray(String[]::new));
        try (JdbcAdapter adapter = start(settings)) {
            String line = adapter.captureSummary().get(0);
            assertTrue(line.contains("polled by their modification column instead: 3 table(s) (item, item2, item3) (not"
                    + " in publication esa_bridge: the account does not own it (remedy: ALTER TABLE <table> OWNER TO"
                    + " esa_not_owner, or ALTER PUBLICATION \"esa_bridge\" ADD TABLE <table> as its owner; it joins the"
                    + " log capture at the next catalog reload (startSync)))"), line);
            assertEquals(1, line.split("OWNER TO", -1).length - 1, line);
        }
    }

    private static List<String> structures(JdbcAdapter adapter) throws Exception {
        return adapter.getStructureList().stream().map(ExternalStructure::name).toList();
    }

    /** A database whose table {@code item} (modification column, 100 rows) the account may change but does not own. */
    private static Map<String, String> unownedItem(String... moreTables) {
        TestPostgres.freshDatabase(DB);
        EngineFixture pg = EngineFixture.POSTGRES_LOG;
        TestPostgres.exec(DB, "DROP ROLE IF EXISTS " + ACCOUNT,
                "CREATE ROLE " + ACCOUNT + " LOGIN REPLICATION PASSWORD 'pw'",
                "GRANT CONNECT, CREATE ON DATABASE " + DB + " TO " + ACCOUNT,
                "GRANT USAGE ON SCHEMA public TO " + ACCOUNT,
                "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + pg.modifiedColumn() + ")",
                "INSERT INTO item (id, v) SELECT g, 0 FROM generate_series(1, 100) g");
        TestPostgres.exec(DB, pg.stampedOnUpdate("item").toArray(String[]::new));
        TestPostgres.exec(DB, moreTables);
        TestPostgres.exec(DB, "GRANT SELECT, INSERT, UPDATE, DELETE, TRIGGER ON ALL TABLES IN SCHEMA public TO " + ACCOUNT);
        return TestPostgres.settings(DB, "jdbc-user", ACCOUNT, "jdbc-password", "pw", "capture-heartbeat-seconds", "1",
                "inline-threshold", "1000");
    }

    private static JdbcAdapter start(Map<String, String> settings) {
        return JdbcAdapter.start(JdbcAdapterConfig.fromSettings(settings, null));
    }

    private static void assertReplicaEqualsTable(ReplicaHost host) throws SQLException {
        ReplicaCheck.Counts counts;
        try (Connection c = TestPostgres.connect(DB)) {
            counts = ReplicaCheck.compare(host.replica, ReplicaCheck.table(c, "item", "v"));
        }
        assertEquals(new ReplicaCheck.Counts(0, 0, 0), counts);
    }

    private static LogCapture capture(AtomicReference<JdbcAdapter> node) {
        return (LogCapture) node.get().captureStatus();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
