package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** create/read/update/delete against real MariaDB: the conditional writes and their faults. */
@Tag("database")
class WritesTest {
    private static final String DB = "esa_writes_test";
    private static final Session HOST = new Session("host");
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL,"
                        + " email VARCHAR(100) UNIQUE, secret VARCHAR(20) NULL,"
                        + " score INT NULL CHECK (score >= 0),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE purchase (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NULL,"
                        + " amount DECIMAL(10,2) NOT NULL,"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " CONSTRAINT purchase_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE SET NULL)",
                "CREATE TABLE audited (id INT PRIMARY KEY, v VARCHAR(10),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE audit_log (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(50))",
                "CREATE TRIGGER audited_upd AFTER UPDATE ON audited FOR EACH ROW INSERT INTO audit_log (note) VALUES ('u')",
                "CREATE TABLE locked (id INT PRIMARY KEY, v VARCHAR(10),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "INSERT INTO locked (id, v) VALUES (1, 'x')",
                "CREATE TABLE pair (a VARCHAR(20), b INT, v VARCHAR(10),"
                        + " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (a, b))",
                "CREATE TABLE coarse (id INT PRIMARY KEY, v VARCHAR(10),"
                        + " modified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
        adapter = TestDatabase.adapter(DB,
                "structure.customer.writable", "true", "structure.customer.read-only-columns", "secret",
                "structure.purchase.writable", "true", "structure.audited.writable", "true",
                "structure.pair.writable", "true", "structure.coarse.writable", "true");
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    private static ExternalRecord rec(String id, String... nameValue) {
        FieldValue[] fields = new FieldValue[nameValue.length / 2];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new FieldValue(nameValue[2 * i], nameValue[2 * i + 1]);
        }
        return new ExternalRecord(id, null, List.of(fields));
    }

    private static ErrorCode codeOf(Executable e) {
        return assertThrows(EsaException.class, e::run).code();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void createWithGeneratedIdReturnsTheStoredRecord() throws Exception {
        ExternalRecord r = adapter.create(HOST, "customer", rec(null, "name", "Ada", "email", "ada@x.org"));
        assertNotNull(r.id());
        assertEquals("Ada", r.field("name").text());
        assertNotNull(r.modifiedAt());
        assertEquals(r, adapter.read("customer", r.id()));
    }

    @Test
    void createWithGivenIdAndDuplicateIsRefused() throws Exception {
        ExternalRecord r = adapter.create(HOST, "audited", rec("77", "v", "a"));
        assertEquals("77", r.id());
        EsaException e = assertThrows(EsaException.class, () -> adapter.create(HOST, "audited", rec("77", "v", "b")));
        assertEquals(ErrorCode.DUPLICATE_RECORD, e.code());
        assertEquals("EsaRecordException", e.type());
    }

    @Test
    void faultsOfCreate() {
        assertEquals(ErrorCode.DUPLICATE_RECORD, codeOf(() -> {
            adapter.create(HOST, "customer", rec(null, "name", "A", "email", "dup@x.org"));
            adapter.create(HOST, "customer", rec(null, "name", "B", "email", "dup@x.org"));
        }));
        assertEquals(ErrorCode.CONSTRAINT_VIOLATION, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", null))));
        assertEquals(ErrorCode.CONSTRAINT_VIOLATION, codeOf(() -> adapter.create(HOST, "customer", rec(null, "email", "n@x"))));
        assertEquals(ErrorCode.CONSTRAINT_VIOLATION, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", "c", "score", "-1"))));
        assertEquals(ErrorCode.CONSTRAINT_VIOLATION, codeOf(() -> adapter.create(HOST, "purchase",
                rec(null, "customer_id", "999999", "amount", "1.00"))));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", "x".repeat(51)))));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", "n", "score", "ten"))));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.create(HOST, "purchase", rec(null, "amount", "1.005"))));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.create(HOST, "audited", rec(null, "v", "no id"))));
        assertEquals(ErrorCode.UNKNOWN_FIELD, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", "n", "nope", "1"))));
        assertEquals(ErrorCode.UNKNOWN_FIELD, codeOf(() -> adapter.create(HOST, "customer", rec(null, "modified", "2026-01-01T00:00:00Z"))));
        assertEquals(ErrorCode.READ_ONLY, codeOf(() -> adapter.create(HOST, "customer", rec(null, "name", "n", "secret", "s"))));
        assertEquals(ErrorCode.READ_ONLY, codeOf(() -> adapter.create(HOST, "locked", rec("2", "v", "y"))));
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, codeOf(() -> adapter.create(HOST, "esa_config", rec("2", "v", "y"))));
    }

    @Test
    void updateReturnsTheModifiedAtThatGetModifiedShows() throws Exception {
        ExternalRecord r = adapter.create(HOST, "customer", rec(null, "name", "Bob"));
        Instant newMod = adapter.update(HOST, "customer", r.modifiedAt(), rec(r.id(), "name", "Bobby"));
        assertTrue(newMod.isAfter(r.modifiedAt()));
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getModified("customer", r.modifiedAt(), sink));
        ExternalRecord seen = sink.records().stream().filter(x -> x.id().equals(r.id())).findFirst().orElseThrow();
        assertEquals(newMod, seen.modifiedAt());
        assertEquals("Bobby", seen.field("name").text());
        assertEquals(newMod, adapter.read("customer", r.id()).modifiedAt());
    }

    @Test
    void updateWithStaleLastSeenIsRefusedWithTheCurrentModifiedAt() throws Exception {
        ExternalRecord r = adapter.create(HOST, "customer", rec(null, "name", "Cy"));
        Instant m2 = adapter.update(HOST, "customer", r.modifiedAt(), rec(r.id(), "name", "Cy2"));
        EsaRecordException e = assertThrows(EsaRecordException.class,
                () -> adapter.update(HOST, "customer", r.modifiedAt(), rec(r.id(), "name", "lost")));
        assertEquals(ErrorCode.RECORD_MODIFIED, e.code());
        assertEquals(m2, e.modifiedAt());
        assertEquals(r.id(), e.id());
        assertEquals("Cy2", adapter.read("customer", r.id()).field("name").text());
    }

    @Test
    void millisecondTruncatedLastSeenIsNotAConflict() throws Exception {
        ExternalRecord r = adapter.create(HOST, "customer", rec(null, "name", "Di"));
        assertTrue(r.modifiedAt().getNano() % 1_000_000 != 0, "stamps never fall on a whole millisecond");
        Instant truncated = r.modifiedAt().truncatedTo(ChronoUnit.MILLIS);
        Instant m2 = adapter.update(HOST, "customer", truncated, rec(r.id(), "name", "Di2"));
        // ...but the truncated form of the older version does not match the new one.
        assertEquals(ErrorCode.RECORD_MODIFIED, codeOf(() -> adapter.update(HOST, "customer", truncated, rec(r.id(), "name", "x"))));
        // One microsecond before m2 is stale - unless it is a whole millisecond: m2 is floorMs + 1001 µs when the
        // two writes share a millisecond, and a whole-millisecond last-seen means "the host truncated" (LastSeen),
        // which m2 rightly matches. Two microseconds before is then stale and exact.
        Instant justBefore = m2.minus(1, ChronoUnit.MICROS);
        Instant stale = justBefore.getNano() % 1_000_000 == 0 ? justBefore.minus(1, ChronoUnit.MICROS) : justBefore;
        assertEquals(ErrorCode.RECORD_MODIFIED, codeOf(() -> adapter.update(HOST, "customer", stale, rec(r.id(), "name", "x"))));
        adapter.update(HOST, "customer", m2.truncatedTo(ChronoUnit.MILLIS), rec(r.id(), "name", "Di3"));
    }

    @Test
    void updateOfAMissingRecordIsNotFound() {
        EsaRecordException e = assertThrows(EsaRecordException.class,
                () -> adapter.update(HOST, "customer", Instant.now(), rec("123456", "name", "x")));
        assertEquals(ErrorCode.RECORD_NOT_FOUND, e.code());
        assertEquals(ErrorCode.RECORD_NOT_FOUND, codeOf(() -> adapter.read("customer", "123456")));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.read("customer", "abc")));
    }

    @Test
    void deleteChecksLastSeenAndAMissingRecordCountsAsDeleted() throws Exception {
        ExternalRecord r = adapter.create(HOST, "customer", rec(null, "name", "Ed"));
        Instant m2 = adapter.update(HOST, "customer", r.modifiedAt(), rec(r.id(), "name", "Ed2"));
        EsaRecordException e = assertThrows(EsaRecordException.class,
                () -> adapter.delete(HOST, "customer", r.modifiedAt(), r.id()));
        assertEquals(ErrorCode.RECORD_MODIFIED, e.code());
        assertEquals(m2, e.modifiedAt());
        adapter.delete(HOST, "customer", m2.truncatedTo(ChronoUnit.MILLIS), r.id());
        assertEquals(ErrorCode.RECORD_NOT_FOUND, codeOf(() -> adapter.read("customer", r.id())));
        adapter.delete(HOST, "customer", m2, r.id());
    }

    @Test
    void readOnlyStructureRefusesEveryWrite() {
        assertEquals(ErrorCode.READ_ONLY, codeOf(() -> adapter.update(HOST, "locked", Instant.now(), rec("1", "v", "z"))));
        assertEquals(ErrorCode.READ_ONLY, codeOf(() -> adapter.delete(HOST, "locked", Instant.now(), "1")));
        assertEquals(ErrorCode.READ_ONLY, codeOf(() -> adapter.update(HOST, "customer", Instant.now(), rec("1", "secret", "z"))));
    }

    @Test
    void needSyncAgainAfterACascadeOrATrigger() throws Exception {
        Session s = new Session("cascade-host");
        adapter.startSync(s, null);
        ExternalRecord lonely = adapter.create(s, "customer", rec(null, "name", "Lonely"));
        adapter.delete(s, "customer", lonely.modifiedAt(), lonely.id());
        assertFalse(adapter.needSyncAgain(s), "nothing refers to it");

        ExternalRecord c = adapter.create(s, "customer", rec(null, "name", "Parent"));
        adapter.create(s, "purchase", rec(null, "customer_id", c.id(), "amount", "3.50"));
        assertFalse(adapter.needSyncAgain(s));
        adapter.delete(s, "customer", c.modifiedAt(), c.id());
        assertTrue(adapter.needSyncAgain(s), "ON DELETE SET NULL changed the purchase");
        adapter.release(s);
        assertFalse(adapter.needSyncAgain(s));

        ExternalRecord a = adapter.create(s, "audited", rec("5", "v", "a"));
        assertFalse(adapter.needSyncAgain(s));
        adapter.update(s, "audited", a.modifiedAt(), rec("5", "v", "b"));
        assertTrue(adapter.needSyncAgain(s), "the user trigger wrote audit_log");
        assertFalse(adapter.needSyncAgain(new Session("other")), "flags are per session");

        // Another server node on the same database answers the same, and its release clears the flag for all.
        try (JdbcAdapter otherNode = TestDatabase.adapter(DB)) {
            assertTrue(otherNode.needSyncAgain(s), "the flag lives in the database, not in one node");
            otherNode.release(s);
        }
        assertFalse(adapter.needSyncAgain(s));
    }

    @Test
    void compositeKeysRoundTripWithSeparatorsInValues() throws Exception {
        ExternalRecord r = adapter.create(HOST, "pair", rec("a%2Cb%25c,7", "v", "one"));
        assertEquals("a%2Cb%25c,7", r.id());
        try (var c = TestDatabase.connect(DB); var rs = c.createStatement().executeQuery("SELECT a, b FROM pair")) {
            rs.next();
            assertEquals("a,b%c", rs.getString(1));
            assertEquals(7, rs.getInt(2));
        }
        Instant m = adapter.update(HOST, "pair", r.modifiedAt(), rec(r.id(), "v", "two"));
        assertEquals("two", adapter.read("pair", r.id()).field("v").text());
        assertEquals(1, adapter.countRange("pair", "a,0", "b,0"));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.read("pair", "only-one-part")));
        adapter.delete(HOST, "pair", m, r.id());
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted("pair", r.modifiedAt(), sink));
        assertEquals(List.of("a%2Cb%25c,7"), sink.ids());
    }

    @Test
    void lowPrecisionModifiedColumnReturnsWhatIsStoredAndStillDetectsConflicts() throws Exception {
        ExternalRecord r = adapter.create(HOST, "coarse", rec("1", "v", "a"));
        assertEquals(0, r.modifiedAt().getNano());
        Instant m2 = adapter.update(HOST, "coarse", r.modifiedAt(), rec("1", "v", "b"));
        assertEquals(0, m2.getNano());
        assertTrue(m2.isAfter(r.modifiedAt()));
        assertEquals(m2, adapter.read("coarse", "1").modifiedAt());
        assertEquals(ErrorCode.RECORD_MODIFIED, codeOf(() -> adapter.update(HOST, "coarse", r.modifiedAt(), rec("1", "v", "c"))));
    }

    @Test
    void countRangeIsInclusiveAndNumeric() throws Exception {
        for (int i = 100; i < 110; i++) {
            adapter.create(HOST, "audited", rec(String.valueOf(i), "v", "r"));
        }
        assertEquals(3, adapter.countRange("audited", "100", "102"));
        assertEquals(10, adapter.countRange("audited", "100", "109"));
        assertEquals(ErrorCode.INVALID_VALUE, codeOf(() -> adapter.countRange("audited", "a", "b")));
    }
}
