package org.esabridge.server;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.FieldType;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ParameterType;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;

/**
 * A light, working, in-memory adapter for the server's tests: two structures with fixed seed data, inline
 * results up to {@link #INLINE_THRESHOLD} entries, cursors of {@link #PAGE_SIZE}, conditional writes with
 * the protocol's last-seen rule. A few structure names stand for failures the server must answer:
 * {@link #OFFLINE} (the database is down), {@link #CRASHING} (an unexpected exception whose message holds
 * what must never leak) and {@link #FAILING_MIDWAY} (fails after streaming more than the response buffer).
 */
final class FakeAdapter implements ExternalSystemAdapter {

    static final String CONTACTS = "contacts";
    static final String EVENTS = "events";
    static final String OFFLINE = "offline";
    static final String CRASHING = "crashing";
    static final String FAILING_MIDWAY = "failing-midway";
    static final int INLINE_THRESHOLD = 3;
    static final int PAGE_SIZE = 2;

    /** What {@link #CRASHING} throws: everything a response body must never show. */
    static final String LEAKY_MESSAGE = "SQLException: SELECT password FROM esa_secret WHERE id = 1 at /var/lib/esa";

    private final Map<String, TreeMap<String, ExternalRecord>> records = new ConcurrentHashMap<>();
    private final Map<String, List<String>> deleted = new ConcurrentHashMap<>();
    private final Map<String, FakeCursor> cursors = new ConcurrentHashMap<>();
    private volatile String externalSystemId;
    private Instant lastWrite = Instant.parse("2026-11-23T06:00:00Z");
    private volatile boolean closed;

    private record FakeCursor(String principal, CursorType type, List<Object> entries, Cursor cursor) {
    }

    FakeAdapter() {
        TreeMap<String, ExternalRecord> contacts = new TreeMap<>();
        contacts.put("1", new ExternalRecord("1", Instant.parse("2026-11-23T05:46:31.123456Z"), List.of(
                new FieldValue("name", "Ada Lovelace"), new FieldValue("email", "ada@example.org"),
                new FieldValue("phone", "+44 20 7946 0001"))));
        contacts.put("2", new ExternalRecord("2", Instant.parse("2026-11-23T05:47:00.000001Z"), List.of(
                new FieldValue("name", "Grace Hopper"), new FieldValue("email", "grace@example.org"),
                new FieldValue("phone", null))));
        records.put(CONTACTS, contacts);
        TreeMap<String, ExternalRecord> events = new TreeMap<>();
        for (int i = 1; i <= 5; i++) {
            events.put(Integer.toString(i), new ExternalRecord(Integer.toString(i),
                    Instant.parse("2026-11-23T05:50:0" + i + ".000100Z"), List.of(
                    new FieldValue("title", "event " + i), new FieldValue("contact", i % 2 == 0 ? "2" : "1"))));
        }
        records.put(EVENTS, events);
        deleted.put(CONTACTS, new ArrayList<>(List.of("7")));
        deleted.put(EVENTS, new ArrayList<>(List.of("11", "12", "13", "14")));
    }

    boolean closed() {
        return closed;
    }

    @Override
    public String startSync(Session session, String externalSystemId) throws EsaException {
        return PROTOCOL_VERSION;
    }

    @Override
    public int getAllowedRunModes() {
        return RUN_MODE_MANUAL | RUN_MODE_SYNC_ACTIONS;
    }

    @Override
    public void endSync(Session session) {
        // Nothing to end: a sync keeps no state here.
    }

    @Override
    public synchronized String configure(String externalSystemId, boolean force) {
        if (this.externalSystemId == null || force) {
            this.externalSystemId = externalSystemId;
        }
        return this.externalSystemId;
    }

    @Override
    public List<ExternalStructure> getStructureList() {
        return List.of(new ExternalStructure(CONTACTS, "Contacts", true), new ExternalStructure(EVENTS, "Events", false));
    }

    @Override
    public List<ExternalField> getFieldList(String structure, String locale) throws EsaException {
        if (structure(structure).equals(CONTACTS)) {
            return List.of(new ExternalField("name", "Name", FieldType.STRING, 100L, true, false),
                    new ExternalField("email", "E-mail", FieldType.STRING, 254L, false, false),
                    new ExternalField("phone", "Phone", FieldType.STRING, 40L, false, false));
        }
        return List.of(new ExternalField("title", "Title", FieldType.TEXT, null, true, true),
                new ExternalField("contact", "Contact", FieldType.INTEGER, null, false, true));
    }

    @Override
    public List<Relation> getRelations(String structure, String locale) throws EsaException {
        if (structure(structure).equals(EVENTS)) {
            return List.of(new Relation("fk_events_contact", "Contact", "contact", CONTACTS, "id", false));
        }
        return List.of();
    }

    @Override
    public List<EsaParameter> getParametersMeta(String locale) {
        return List.of(new EsaParameter("mode", "Sync mode", ParameterType.CHOICE, true, false,
                List.of("full"), List.of("full", "incremental")));
    }

    @Override
    public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        if (FAILING_MIDWAY.equals(structure)) {
            for (int i = 0; i < 5_000; i++) {
                sink.record(new ExternalRecord(Integer.toString(i), after.plusSeconds(1),
                        List.of(new FieldValue("text", "x".repeat(40)))));
            }
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "the database went away");
        }
        return inline(modifiedAfter(structure(structure), after), sink);
    }

    @Override
    public Cursor getModifiedPaged(Session session, String structure, Instant after) throws EsaException {
        return open(session, CursorType.RECORDS, new ArrayList<>(modifiedAfter(structure(structure), after)));
    }

    @Override
    public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return inline(deleted.getOrDefault(structure(structure), List.of()), sink);
    }

    @Override
    public Cursor getDeletedPaged(Session session, String structure, Instant after) throws EsaException {
        return open(session, CursorType.IDS, new ArrayList<>(deleted.getOrDefault(structure(structure), List.of())));
    }

    @Override
    public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink)
            throws EsaException, IOException {
        FakeCursor cursor = cursors.get(cursorId);
        if (cursor == null || !cursor.principal().equals(session.principal())) {
            throw new EsaException(ErrorCode.CURSOR_NOT_FOUND, "the cursor is unknown, closed or expired");
        }
        if (pageIndex < 0 || pageIndex >= cursor.cursor().pageCount()) {
            throw new EsaException(ErrorCode.PAGE_OUT_OF_RANGE, "page " + pageIndex + " is not in 0.."
                    + (cursor.cursor().pageCount() - 1));
        }
        int from = (int) pageIndex * PAGE_SIZE;
        emit(cursor.entries().subList(from, Math.min(from + PAGE_SIZE, cursor.entries().size())), sink);
    }

    @Override
    public void closeCursor(Session session, String cursorId) {
        cursors.remove(cursorId);
    }

    @Override
    public void leaseSession(Session session) {
    }

    @Override
    public ExternalRecord read(String structure, String id) throws EsaException {
        ExternalRecord record = records.get(structure(structure)).get(id);
        if (record == null) {
            throw new EsaRecordException(ErrorCode.RECORD_NOT_FOUND, "record " + id + " of " + structure + " does not exist",
                    structure, id, null);
        }
        return record;
    }

    @Override
    public synchronized ExternalRecord create(Session session, String structure, ExternalRecord record)
            throws EsaException {
        TreeMap<String, ExternalRecord> table = writable(structure);
        String id = record.id() != null ? record.id()
                : Integer.toString(table.keySet().stream().mapToInt(Integer::parseInt).max().orElse(0) + 1);
        if (table.containsKey(id)) {
            throw new EsaRecordException(ErrorCode.DUPLICATE_RECORD, "record " + id + " exists", structure, id, null);
        }
        ExternalRecord stored = new ExternalRecord(id, nextWriteTime(), record.fields());
        table.put(id, stored);
        return stored;
    }

    @Override
    public synchronized Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record)
            throws EsaException {
        TreeMap<String, ExternalRecord> table = writable(structure);
        ExternalRecord stored = table.get(record.id());
        if (stored == null) {
            throw new EsaRecordException(ErrorCode.RECORD_NOT_FOUND, "record " + record.id() + " of " + structure
                    + " does not exist", structure, record.id(), null);
        }
        checkNotModified(structure, stored, lastSeen);
        Map<String, FieldValue> fields = stored.fields().stream()
                .collect(Collectors.toMap(FieldValue::name, f -> f, (a, b) -> a, java.util.LinkedHashMap::new));
        record.fields().forEach(f -> fields.put(f.name(), f));
        ExternalRecord updated = new ExternalRecord(stored.id(), nextWriteTime(), new ArrayList<>(fields.values()));
        table.put(stored.id(), updated);
        return updated.modifiedAt();
    }

    @Override
    public synchronized void delete(Session session, String structure, Instant lastSeen, String id)
            throws EsaException {
        TreeMap<String, ExternalRecord> table = writable(structure);
        ExternalRecord stored = table.get(id);
        if (stored == null) {
            return;
        }
        checkNotModified(structure, stored, lastSeen);
        table.remove(id);
        deleted.get(structure).add(id);
    }

    @Override
    public long countRange(String structure, String minId, String maxId) throws EsaException {
        return records.get(structure(structure)).keySet().stream()
                .filter(id -> compare(id, minId) >= 0 && compare(id, maxId) <= 0).count();
    }

    @Override
    public Instant getCurrentTime() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public boolean needSyncAgain(Session session) {
        return false;
    }

    @Override
    public void release(Session session) {
        cursors.values().removeIf(c -> c.principal().equals(session.principal()));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The structure's name when this adapter serves it; the failure structures throw here. */
    private String structure(String name) throws EsaException {
        if (OFFLINE.equals(name)) {
            throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "the database cannot be reached");
        }
        if (CRASHING.equals(name)) {
            throw new IllegalStateException(LEAKY_MESSAGE);
        }
        if (!records.containsKey(name)) {
            throw new EsaException(ErrorCode.UNKNOWN_STRUCTURE, "structure " + name + " is not exposed");
        }
        return name;
    }

    private TreeMap<String, ExternalRecord> writable(String structure) throws EsaException {
        if (!structure(structure).equals(CONTACTS)) {
            throw new EsaException(ErrorCode.READ_ONLY, "structure " + structure + " is read-only");
        }
        return records.get(structure);
    }

    private List<ExternalRecord> modifiedAfter(String structure, Instant after) {
        return records.get(structure).values().stream().filter(r -> r.modifiedAt().isAfter(after))
                .sorted((a, b) -> a.modifiedAt().compareTo(b.modifiedAt())).collect(Collectors.toList());
    }

    /** The entries streamed when they are few enough to answer inline, else the protocol's NULL (false). */
    private static boolean inline(List<?> entries, ResultSink sink) throws IOException {
        if (entries.size() > INLINE_THRESHOLD) {
            return false;
        }
        emit(entries, sink);
        return true;
    }

    /** Records and ids, each to its own method of the sink. */
    private static void emit(List<?> entries, ResultSink sink) throws IOException {
        for (Object entry : entries) {
            if (entry instanceof ExternalRecord record) {
                sink.record(record);
            } else {
                sink.id((String) entry);
            }
        }
    }

    private Cursor open(Session session, CursorType type, List<Object> entries) {
        String id = UUID.randomUUID().toString();
        long pages = (entries.size() + PAGE_SIZE - 1) / PAGE_SIZE;
        Cursor cursor = new Cursor(id, type, pages, PAGE_SIZE, entries.size(),
                getCurrentTime().plus(Duration.ofMinutes(10)));
        cursors.put(id, new FakeCursor(session.principal(), type, entries, cursor));
        return cursor;
    }

    /** esa-protocol.md §3: a last-seen equal to the stored time truncated to milliseconds is not a change. */
    private static void checkNotModified(String structure, ExternalRecord stored, Instant lastSeen)
            throws EsaRecordException {
        if (stored.modifiedAt().isAfter(lastSeen) && !stored.modifiedAt().truncatedTo(ChronoUnit.MILLIS).equals(lastSeen)) {
            throw new EsaRecordException(ErrorCode.RECORD_MODIFIED, "record " + stored.id() + " of structure "
                    + structure + " changed after last-seen", structure, stored.id(), stored.modifiedAt());
        }
    }

    private Instant nextWriteTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lastWrite = now.isAfter(lastWrite) ? now : lastWrite.plus(1, ChronoUnit.MICROS);
        return lastWrite;
    }

    private static int compare(String a, String b) {
        if (a.matches("-?\\d+") && b.matches("-?\\d+")) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return a.compareTo(b);
    }
}
