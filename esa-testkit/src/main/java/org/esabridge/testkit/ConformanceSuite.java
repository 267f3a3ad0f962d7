package org.esabridge.testkit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.FieldValue;
import org.esabridge.api.ResultSink;

/**
 * The conformance checks of {@code check}: each sends real calls to the ESA and passes, fails with the reason,
 * or is skipped with the reason (a feature the ESA may lawfully lack). What each check asserts is the rule
 * of esa-protocol.md it names. The write checks create one record in the first writable structure that
 * accepts one, and delete it again.
 */
public final class ConformanceSuite {

    public enum Outcome { PASS, FAIL, SKIP }

    public record Result(String check, Outcome outcome, String reason) {
        @Override
        public String toString() {
            return String.format("%-4s %-44s %s", outcome, check, reason);
        }
    }

    /**
     * @param externalSystemId the id sent with startSync
     * @param writes           whether the write checks may create, update and delete a record
     * @param writeStructure   the structure for the write checks, or null for the first writable that works
     */
    public record Options(String externalSystemId, boolean writes, String writeStructure) {
        public Options {
            Objects.requireNonNull(externalSystemId, "externalSystemId == null");
        }
    }

    /** A check's own verdict, thrown from its body. */
    private static final class Verdict extends Exception {
        private static final long serialVersionUID = 1L;
        final Outcome outcome;

        Verdict(Outcome outcome, String reason) {
            super(reason, null, false, false);
            this.outcome = outcome;
        }
    }

    private interface Body {
        String run() throws Exception;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static final Instant EPOCH = Instant.EPOCH;

    private final EsaClient esa;
    private final Options options;
    private final List<Result> results = new ArrayList<>();
    private Consumer<Result> listener = r -> { };
    private List<ExternalStructure> structures = List.of();
    private boolean sawNull;

    public ConformanceSuite(EsaClient esa, Options options) {
        this.esa = Objects.requireNonNull(esa, "esa == null");
        this.options = Objects.requireNonNull(options, "options == null");
    }

    /** Runs every check in order, telling {@code onResult} about each as it finishes. */
    public List<Result> run(Consumer<Result> onResult) {
        listener = onResult == null ? r -> { } : onResult;
        check("startSync answers version 1.0", () -> {
            String version = esa.startSync(options.externalSystemId());
            expect(version.equals("1.0"), "answered '" + version + "'");
            return "1.0";
        });
        String first = results.get(0).reason();
        if (first.startsWith("connection failed") || first.contains("UNAUTHORIZED")) {
            return List.copyOf(results); // nothing else can be checked without a connection or credentials
        }
        check("getCurrentTime parses and moves forward", this::currentTime);
        check("getAllowedRunModes is a bit set of 1|2|4", () -> {
            int modes = esa.getAllowedRunModes();
            expect(modes >= 0 && modes <= 7, "answered " + modes);
            return Integer.toString(modes);
        });
        check("getStructureList lists unique structures", this::structureList);
        check("getFieldList lists unique fields", this::fieldLists);
        check("getModified(now) is empty, never NULL", this::modifiedSinceNowIsEmpty);
        check("getModified(epoch) records carry id+modified-at", this::modifiedSinceEpoch);
        check("paged cursor: pages, repeat, range, close", this::pagedCursor);
        check("read of a missing id: RECORD_NOT_FOUND", this::readMissing);
        if (options.writes()) {
            new WriteChecks().run();
        } else {
            skip("write checks", "--read-only given");
        }
        check("unknown call: UNKNOWN_CALL", this::unknownCall);
        // An end tag that closes the wrong element: malformed, yet its end is plain on a command-line ESA's pipe
        // too (a document cut off is noticed there only when the input ends).
        check("malformed body: HTTP 400 MALFORMED_REQUEST", () -> raw("<sync><esa-call call-id=\"1\"><getCurrentTime>"
                + "</esa-call></sync>", 400, ErrorCode.MALFORMED_REQUEST));
        check("DOCTYPE: HTTP 400 MALFORMED_REQUEST", () -> raw("<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY x \"y\">]>"
                + "<sync><esa-call call-id=\"1\"><getCurrentTime/></esa-call></sync>", 400, ErrorCode.MALFORMED_REQUEST));
        check("bad timestamp: INVALID_VALUE", () -> raw(envelope("<getModified><structure>" + firstStructure()
                + "</structure><after>yesterday</after></getModified>"), 200, ErrorCode.INVALID_VALUE));
        check("negative page index: PAGE_OUT_OF_RANGE", () -> raw(envelope(
                "<readDataPage><cursor-id>x</cursor-id><page-index>-1</page-index></readDataPage>"), 200,
                ErrorCode.PAGE_OUT_OF_RANGE));
        check("needSyncAgain, endSync, release", () -> {
            boolean again = esa.needSyncAgain();
            esa.endSync();
            esa.release();
            return "needSyncAgain " + again;
        });
        return List.copyOf(results);
    }

    public static boolean passed(List<Result> results) {
        return results.stream().noneMatch(r -> r.outcome() == Outcome.FAIL);
    }

    // --- checks ---

    private String currentTime() throws Exception {
        Instant local = Instant.now();
        Instant first = esa.getCurrentTime();
        Instant second = esa.getCurrentTime();
        expect(!second.isBefore(first), "went back from " + first + " to " + second);
        Duration shift = Duration.between(local, first);
        expect(shift.abs().compareTo(Duration.ofDays(1)) < 0, "is " + shift + " away from this machine's clock");
        return "shift " + shift.toMillis() + " ms";
    }

    private String structureList() throws Exception {
        structures = esa.getStructureList();
        expect(!structures.isEmpty(), "no structure listed");
        Set<String> names = new HashSet<>();
        for (ExternalStructure s : structures) {
            expect(!s.name().isBlank(), "a structure has an empty name");
            expect(names.add(s.name()), "structure " + s.name() + " is listed twice");
        }
        return structures.size() + " structures";
    }

    private String fieldLists() throws Exception {
        needStructures();
        int total = 0;
        for (ExternalStructure s : structures) {
            Set<String> names = new HashSet<>();
            for (ExternalField f : esa.getFieldList(s.name())) {
                expect(names.add(f.name()), s.name() + "." + f.name() + " is listed twice");
                total++;
            }
        }
        return total + " fields";
    }

    private String modifiedSinceNowIsEmpty() throws Exception {
        needStructures();
        Instant now = esa.getCurrentTime().plusSeconds(1);
        for (ExternalStructure s : structures) {
            long[] n = new long[1];
            boolean inline = esa.getModified(s.name(), now, counting(n));
            expect(inline, s.name() + ": answered NULL for a range with no change");
            expect(n[0] == 0, s.name() + ": answered " + n[0] + " records modified after now");
        }
        return "empty for " + structures.size() + " structures";
    }

    private String modifiedSinceEpoch() throws Exception {
        needStructures();
        long records = 0;
        int nulls = 0;
        for (ExternalStructure s : structures) {
            Set<String> ids = new HashSet<>();
            List<String> problems = new ArrayList<>();
            boolean inline = esa.getModified(s.name(), EPOCH, new ResultSink() {
                @Override
                public void record(ExternalRecord r) {
                    if (r.id() == null || r.modifiedAt() == null) {
                        problems.add("a record without id or modified-at");
                    } else if (!ids.add(r.id())) {
                        problems.add("record " + r.id() + " twice");
                    }
                }

                @Override
                public void id(String id) {
                    problems.add("an <id> in a records result");
                }
            });
            if (!problems.isEmpty()) {
                throw new Verdict(Outcome.FAIL, s.name() + ": " + problems.get(0));
            }
            if (!inline) {
                nulls++;
                sawNull = true;
            }
            records += ids.size();
        }
        return records + " records inline" + (nulls > 0 ? ", NULL (too many) for " + nulls + " structures" : "");
    }

    private String pagedCursor() throws Exception {
        needStructures();
        String structure = firstStructure();
        Cursor cursor;
        try {
            cursor = esa.getModifiedPaged(structure, EPOCH);
        } catch (EsaException e) {
            if (e.code() == ErrorCode.NOT_SUPPORTED && !sawNull) {
                throw new Verdict(Outcome.SKIP, "NOT_SUPPORTED, and getModified never answered NULL here");
            }
            throw e;
        }
        expect(cursor.pageSize() > 0 || cursor.total() == 0, "page-size " + cursor.pageSize());
        long expectedPages = cursor.pageSize() == 0 ? 0 : (cursor.total() + cursor.pageSize() - 1) / cursor.pageSize();
        expect(cursor.pageCount() == expectedPages, "page-count " + cursor.pageCount() + " for total "
                + cursor.total() + " and page-size " + cursor.pageSize());
        long seen = 0;
        List<String> firstPage = new ArrayList<>();
        for (long p = 0; p < cursor.pageCount(); p++) {
            List<String> page = pageKeys(cursor.cursorId(), p);
            expect(page.size() <= cursor.pageSize(), "page " + p + " holds " + page.size() + " > page-size");
            expect(p == cursor.pageCount() - 1 || page.size() == cursor.pageSize(), "page " + p + " is short");
            if (p == 0) {
                firstPage = page;
            }
            seen += page.size();
        }
        expect(seen == cursor.total(), "pages held " + seen + " entries, total says " + cursor.total());
        if (cursor.pageCount() > 0) {
            expect(pageKeys(cursor.cursorId(), 0).equals(firstPage), "page 0 read twice differs");
        }
        expectFault(ErrorCode.PAGE_OUT_OF_RANGE, "readDataPage(page-count)",
                () -> esa.readDataPage(cursor.cursorId(), cursor.pageCount(), counting(new long[1])));
        esa.closeCursor(cursor.cursorId());
        expectFault(ErrorCode.CURSOR_NOT_FOUND, "readDataPage after closeCursor",
                () -> esa.readDataPage(cursor.cursorId(), 0, counting(new long[1])));
        return structure + ": " + cursor.total() + " entries in " + cursor.pageCount() + " pages";
    }

    private List<String> pageKeys(String cursorId, long page) throws EsaException, IOException {
        List<String> keys = new ArrayList<>();
        esa.readDataPage(cursorId, page, new ResultSink() {
            @Override
            public void record(ExternalRecord r) {
                keys.add(r.id() + "@" + r.modifiedAt());
            }

            @Override
            public void id(String id) {
                keys.add(id);
            }
        });
        return keys;
    }

    private String readMissing() throws Exception {
        needStructures();
        String missing = "2147483001";
        expectFault(ErrorCode.RECORD_NOT_FOUND, "read of id " + missing, () -> esa.read(firstStructure(), missing));
        return firstStructure() + " " + missing;
    }

    private String unknownCall() throws Exception {
        EsaClient.RawAnswer answer = esa.post(envelope("<fetchEverything/>"), EsaClient.CONTENT_TYPE);
        expectStatus(answer, 200);
        expect(answer.body().contains("response-to=\"1\""), "the answer is not addressed to the call");
        expect(answer.body().contains("UNKNOWN_CALL"), "no UNKNOWN_CALL in: " + shorten(answer.body()));
        return statusText(answer) + "UNKNOWN_CALL";
    }

    private String raw(String document, int status, ErrorCode code) throws Exception {
        EsaClient.RawAnswer answer = esa.post(document, EsaClient.CONTENT_TYPE);
        expectStatus(answer, status);
        expect(answer.body().contains("code=\"" + code.name() + "\""), "no " + code + " in: " + shorten(answer.body()));
        return statusText(answer) + code;
    }

    /** The HTTP status, where the transport has one (a command-line ESA answers the fault document alone). */
    private static void expectStatus(EsaClient.RawAnswer answer, int status) throws Verdict {
        expect(answer.status() == status || answer.status() == EsaTransport.NO_STATUS,
                "HTTP " + answer.status() + ", expected " + status);
    }

    private static String statusText(EsaClient.RawAnswer answer) {
        return answer.status() == EsaTransport.NO_STATUS ? "" : "HTTP " + answer.status() + " ";
    }

    // --- the write checks ---

    /** One record's life: create, read, update, stale update and delete refused, delete, gone. */
    private final class WriteChecks {
        private String structure;
        private ExternalRecord created;
        private Instant beforeCreate;
        private Instant current;
        private List<ExternalField> fields;

        void run() {
            check("create a record", this::create);
            if (created == null) {
                return;
            }
            check("read answers the created record", () -> {
                ExternalRecord read = esa.read(structure, created.id());
                expect(read.modifiedAt().equals(created.modifiedAt()), "modified-at " + read.modifiedAt()
                        + " differs from create's " + created.modifiedAt());
                return structure + " " + created.id();
            });
            check("update with current last-seen", () -> {
                pause();
                current = esa.update(structure, created.modifiedAt(), change("first"));
                expect(current.isAfter(created.modifiedAt()), "new modified-at " + current + " is not after "
                        + created.modifiedAt());
                ExternalRecord read = esa.read(structure, created.id());
                expect(read.modifiedAt().equals(current), "read shows modified-at " + read.modifiedAt()
                        + ", update answered " + current);
                return "modified-at " + current;
            });
            check("update with stale last-seen: RECORD_MODIFIED", () -> {
                pause();
                return staleRefused(() -> esa.update(structure, created.modifiedAt(), change("stale")), "update");
            });
            check("delete with stale last-seen: RECORD_MODIFIED", () ->
                    staleRefused(() -> esa.delete(structure, created.modifiedAt(), created.id()), "delete"));
            if (results.get(results.size() - 1).outcome() == Outcome.FAIL) {
                // The stale delete may have landed: the record the remaining checks need may be gone.
                skip("remaining write checks", "the stale delete was not refused, so record " + created.id()
                        + " may be gone");
                return;
            }
            check("getModified shows the update", () -> {
                boolean[] found = new boolean[1];
                changes(structure, beforeCreate, true, new ResultSink() {
                    @Override
                    public void record(ExternalRecord r) {
                        found[0] |= created.id().equals(r.id()) && current.equals(r.modifiedAt());
                    }

                    @Override
                    public void id(String id) {
                    }
                });
                expect(found[0], "record " + created.id() + " with modified-at " + current + " is missing");
                return "found with " + current;
            });
            check("delete with current last-seen, then gone", () -> {
                esa.delete(structure, current, created.id());
                expectFault(ErrorCode.RECORD_NOT_FOUND, "read after delete", () -> esa.read(structure, created.id()));
                esa.delete(structure, current, created.id());
                return "deleted; a second delete succeeds";
            });
            check("getDeleted lists the deleted id", () -> {
                List<String> ids = new ArrayList<>();
                try {
                    changes(structure, beforeCreate, false, new ResultSink() {
                        @Override
                        public void record(ExternalRecord r) {
                        }

                        @Override
                        public void id(String id) {
                            ids.add(id);
                        }
                    });
                } catch (EsaException e) {
                    if (e.code() == ErrorCode.NOT_SUPPORTED) {
                        throw new Verdict(Outcome.SKIP, "NOT_SUPPORTED: " + e.getMessage());
                    }
                    throw e;
                }
                expect(ids.contains(created.id()), "id " + created.id() + " missing from " + ids);
                return ids.size() + " id(s)";
            });
        }

        private String create() throws Exception {
            needStructures();
            beforeCreate = esa.getCurrentTime().minusMillis(1);
            List<String> tried = new ArrayList<>();
            for (ExternalStructure s : structures) {
                if (options.writeStructure() != null ? !s.name().equals(options.writeStructure()) : !s.writable()) {
                    continue;
                }
                List<ExternalField> list = esa.getFieldList(s.name());
                List<FieldValue> values = new ArrayList<>();
                for (ExternalField f : list) {
                    if (f.required() && !f.readOnly()) {
                        values.add(new FieldValue(f.name(), sample(f)));
                    }
                }
                if (changeable(list) == null) {
                    tried.add(s.name() + " (no text field to change)");
                    continue;
                }
                try {
                    created = esa.create(s.name(), new ExternalRecord(null, null, values));
                } catch (EsaException e) {
                    tried.add(s.name() + " (" + e.code() + ")");
                    continue;
                }
                structure = s.name();
                fields = list;
                expect(created.id() != null && created.modifiedAt() != null, "create answered a record without "
                        + "id or modified-at");
                return structure + " " + created.id();
            }
            throw new Verdict(Outcome.SKIP, tried.isEmpty() ? "no writable structure" : "no structure accepted a "
                    + "record of generated values: " + String.join(", ", tried));
        }

        private ExternalRecord change(String what) {
            ExternalField f = changeable(fields);
            String text = "esa-check " + what + " " + UUID.randomUUID().toString().substring(0, 8);
            if (f.length() != null && text.length() > f.length()) {
                text = text.substring(0, (int) Math.max(1, f.length()));
            }
            return new ExternalRecord(created.id(), null, List.of(new FieldValue(f.name(), text)));
        }

        private String staleRefused(Action write, String what) throws Exception {
            try {
                write.run();
            } catch (EsaRecordException e) {
                expect(e.code() == ErrorCode.RECORD_MODIFIED, "refused with " + e.code() + ", expected RECORD_MODIFIED");
                expect(e.modifiedAt() != null, "the RECORD_MODIFIED fault carries no modified-at");
                return "refused, stored modified-at " + e.modifiedAt();
            } catch (EsaException e) {
                throw new Verdict(Outcome.FAIL, "refused with " + e.code() + " as " + e.type()
                        + ", expected EsaRecordException RECORD_MODIFIED");
            }
            throw new Verdict(Outcome.FAIL, "the ESA accepted a " + what + " with a stale last-seen "
                    + created.modifiedAt() + " (the record was modified at " + current + "): a lost update");
        }
    }

    /** getModified or getDeleted as a host calls it: inline, or after NULL every page of the paged form. */
    private void changes(String structure, Instant after, boolean modified, ResultSink sink) throws Exception {
        boolean inline = modified ? esa.getModified(structure, after, sink) : esa.getDeleted(structure, after, sink);
        if (inline) {
            return;
        }
        Cursor cursor = modified ? esa.getModifiedPaged(structure, after) : esa.getDeletedPaged(structure, after);
        try {
            for (long p = 0; p < cursor.pageCount(); p++) {
                esa.readDataPage(cursor.cursorId(), p, sink);
            }
        } finally {
            esa.closeCursor(cursor.cursorId());
        }
    }

    private static ExternalField changeable(List<ExternalField> fields) {
        for (ExternalField f : fields) {
            if (!f.readOnly() && (f.type() == org.esabridge.api.FieldType.STRING || f.type() == org.esabridge.api.FieldType.TEXT)
                    && (f.length() == null || f.length() >= 8)) {
                return f;
            }
        }
        return null;
    }

    private static String sample(ExternalField f) {
        switch (f.type()) {
            case INTEGER:
            case DECIMAL:
                return "1";
            case BOOLEAN:
                return "false";
            case DATE:
                return "2026-01-01";
            case TIME:
                return "12:00:00";
            case DATETIME:
                return "2026-01-01T12:00:00";
            case BINARY:
                return "AA==";
            default:
                String text = "esa-check-" + UUID.randomUUID().toString().substring(0, 8);
                return f.length() != null && text.length() > f.length() ? text.substring(0, (int) Math.max(1, f.length()))
                        : text;
        }
    }

    /** The ESA tolerates a last-seen cut to milliseconds (§3); writes a few ms apart keep the checks exact. */
    private static void pause() throws InterruptedException {
        Thread.sleep(20);
    }

    // --- plumbing ---

    private void check(String name, Body body) {
        Result result;
        try {
            result = new Result(name, Outcome.PASS, body.run());
        } catch (Verdict v) {
            result = new Result(name, v.outcome, v.getMessage());
        } catch (EsaException e) {
            result = new Result(name, Outcome.FAIL, "unexpected " + e.code() + ": " + e.getMessage());
        } catch (IOException e) {
            result = new Result(name, Outcome.FAIL, "connection failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : FriendlyErrors.explain(e)));
        } catch (Exception e) {
            result = new Result(name, Outcome.FAIL, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        results.add(result);
        listener.accept(result);
    }

    private void skip(String name, String reason) {
        Result result = new Result(name, Outcome.SKIP, reason);
        results.add(result);
        listener.accept(result);
    }

    private void needStructures() throws Verdict {
        if (structures.isEmpty()) {
            throw new Verdict(Outcome.SKIP, "no structure to check (getStructureList failed or was empty)");
        }
    }

    private String firstStructure() throws Verdict {
        needStructures();
        return structures.get(0).name();
    }

    private static void expect(boolean condition, String reason) throws Verdict {
        if (!condition) {
            throw new Verdict(Outcome.FAIL, reason);
        }
    }

    private static void expectFault(ErrorCode code, String what, Action body) throws Exception {
        try {
            body.run();
        } catch (EsaException e) {
            expect(e.code() == code, what + ": answered " + e.code() + ", expected " + code);
            return;
        }
        throw new Verdict(Outcome.FAIL, what + ": succeeded, expected " + code);
    }

    private static ResultSink counting(long[] n) {
        return new ResultSink() {
            @Override
            public void record(ExternalRecord record) {
                n[0]++;
            }

            @Override
            public void id(String id) {
                n[0]++;
            }
        };
    }

    private static String envelope(String call) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sync><esa-call call-id=\"1\">" + call + "</esa-call></sync>";
    }

    private static String shorten(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
    }
}
