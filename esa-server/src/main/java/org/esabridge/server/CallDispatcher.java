package org.esabridge.server;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Session;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaCall.CheckDelayedCreate;
import org.esabridge.api.call.EsaCall.CheckDelayedDelete;
import org.esabridge.api.call.EsaCall.CheckDelayedUpdate;
import org.esabridge.api.call.EsaCall.CloseCursor;
import org.esabridge.api.call.EsaCall.Configure;
import org.esabridge.api.call.EsaCall.CountRange;
import org.esabridge.api.call.EsaCall.Create;
import org.esabridge.api.call.EsaCall.Delete;
import org.esabridge.api.call.EsaCall.EndSync;
import org.esabridge.api.call.EsaCall.GetAllowedRunModes;
import org.esabridge.api.call.EsaCall.GetCurrentTime;
import org.esabridge.api.call.EsaCall.GetDeleted;
import org.esabridge.api.call.EsaCall.GetDeletedPaged;
import org.esabridge.api.call.EsaCall.GetFieldList;
import org.esabridge.api.call.EsaCall.GetModified;
import org.esabridge.api.call.EsaCall.GetModifiedPaged;
import org.esabridge.api.call.EsaCall.GetParametersMeta;
import org.esabridge.api.call.EsaCall.GetRelations;
import org.esabridge.api.call.EsaCall.GetStructureList;
import org.esabridge.api.call.EsaCall.LeaseSession;
import org.esabridge.api.call.EsaCall.NeedSyncAgain;
import org.esabridge.api.call.EsaCall.Read;
import org.esabridge.api.call.EsaCall.ReadDataPage;
import org.esabridge.api.call.EsaCall.Release;
import org.esabridge.api.call.EsaCall.StartSync;
import org.esabridge.api.call.EsaCall.Update;
import org.esabridge.api.xml.EncodedRecordSink;
import org.esabridge.api.xml.EncodedRecords;
import org.esabridge.api.xml.EsaResultWriter;

/**
 * Maps each call of esa-protocol.md §5 to its one adapter method and writes what the method returns: the
 * single place where a call becomes an SPI call. Streamed results go from the adapter through the writer
 * straight to the response.
 *
 * <p>The mapping is the route table in the constructor, one line a call: {@code on(GetModified.class, (x, c) ->
 * ...)} hands its handler a {@code GetModified}, as {@code case GetModified c ->} would in a pattern {@code switch}.
 * That switch is final only in Java 21; on Java 17 an {@code instanceof} chain is a ladder of ifs over 26 types, and
 * a visitor would add to esa-api a 26-method interface that only this class implements. The table is checked
 * complete when the dispatcher is made: a call record without a route stops the server at start
 * ({@code CallDispatcherTest} also dispatches every one).
 *
 * <p>Also the server's own rules around the adapter: the external system id check, the global read-only
 * mode (writes refused READ_ONLY before the adapter sees them, structures listed as not writable), the audit
 * line of every write, and the bookkeeping of open cursors and rows served.
 */
final class CallDispatcher {

    private final ExternalSystemAdapter adapter;
    private final String requiredExternalSystemId;
    private final boolean readOnly;
    private final AuditLog audit;
    private final CursorGauge cursors;
    private final Map<Class<?>, Route<?>> routes = new HashMap<>();

    /**
     * @param requiredExternalSystemId the only id startSync and configure accept, or null for any
     * @param audit                    where writes are recorded, or null for nowhere (tests of the mapping)
     */
    CallDispatcher(ExternalSystemAdapter adapter, String requiredExternalSystemId, boolean readOnly, AuditLog audit,
                   CursorGauge cursors) {
        this.adapter = Objects.requireNonNull(adapter, "adapter == null");
        this.requiredExternalSystemId = requiredExternalSystemId;
        this.readOnly = readOnly;
        this.audit = audit;
        this.cursors = Objects.requireNonNull(cursors, "cursors == null");
        on(StartSync.class, (x, c) -> x.writer.value(adapter.startSync(x.session, checked(c.externalSystemId()))));
        on(EndSync.class, (x, c) -> adapter.endSync(x.session));
        on(GetAllowedRunModes.class, (x, c) -> x.writer.value(Integer.toString(adapter.getAllowedRunModes())));
        on(Configure.class, (x, c) -> x.writer.value(adapter.configure(checked(c.externalSystemId()), c.force())));
        on(GetStructureList.class, (x, c) -> each(adapter.getStructureList(), s -> x.writer.structure(listed(s))));
        on(GetFieldList.class, (x, c) -> each(adapter.getFieldList(c.structure(), c.locale()), x.writer::field));
        on(GetRelations.class, (x, c) -> each(adapter.getRelations(c.structure(), c.locale()), x.writer::relation));
        on(GetParametersMeta.class, (x, c) -> each(adapter.getParametersMeta(c.locale()), x.writer::parameter));
        on(GetModified.class, (x, c) -> x.nullUnless(adapter.getModified(c.structure(), c.after(), x.out)));
        on(GetModifiedPaged.class, (x, c) -> x.opened(adapter.getModifiedPaged(x.session, c.structure(), c.after())));
        on(GetDeleted.class, (x, c) -> x.nullUnless(adapter.getDeleted(c.structure(), c.after(), x.out)));
        on(GetDeletedPaged.class, (x, c) -> x.opened(adapter.getDeletedPaged(x.session, c.structure(), c.after())));
        on(ReadDataPage.class, (x, c) -> {
            adapter.readDataPage(x.session, c.cursorId(), c.pageIndex(), x.out);
            cursors.read(c.cursorId());
        });
        on(CloseCursor.class, (x, c) -> {
            adapter.closeCursor(x.session, c.cursorId());
            cursors.closed(c.cursorId());
        });
        on(LeaseSession.class, (x, c) -> {
            adapter.leaseSession(x.session);
            cursors.leased(x.session.principal());
        });
        on(Read.class, (x, c) -> x.out.record(adapter.read(c.structure(), c.id())));
        on(Create.class, this::create);
        on(Update.class, this::update);
        on(Delete.class, this::delete);
        on(CheckDelayedCreate.class, (x, c) -> x.out.record(adapter.checkDelayedCreate(c.structure(), c.token())));
        on(CheckDelayedUpdate.class, (x, c) -> x.writer.value(adapter.checkDelayedUpdate(c.structure(), c.token())));
        on(CheckDelayedDelete.class, (x, c) -> adapter.checkDelayedDelete(c.structure(), c.token()));
        on(CountRange.class, (x, c) -> x.writer.value(Long.toString(
                adapter.countRange(c.structure(), c.minId(), c.maxId()))));
        on(GetCurrentTime.class, (x, c) -> x.writer.value(adapter.getCurrentTime()));
        on(NeedSyncAgain.class, (x, c) -> x.writer.value(Boolean.toString(adapter.needSyncAgain(x.session))));
        on(Release.class, (x, c) -> {
            adapter.release(x.session);
            cursors.released(x.session.principal());
        });
        List<String> unrouted = Arrays.stream(EsaCall.class.getPermittedSubclasses())
                .filter(type -> !routes.containsKey(type)).map(Class::getSimpleName).toList();
        if (!unrouted.isEmpty()) {
            throw new IllegalStateException("no route for the calls " + unrouted);
        }
    }

    /**
     * Calls the adapter and writes the result's entries; the caller wrote {@code begin} and writes {@code end}.
     *
     * @return the records and ids written
     */
    long dispatch(CallContext context, EsaCall call, EsaResultWriter writer) throws EsaException, IOException {
        adapter.beforeCall(); // pending deletion reports reach the host before this call is processed (§6)
        Exchange exchange = new Exchange(context, writer);
        routes.get(call.getClass()).handle(exchange, call);
        return exchange.out.count;
    }

    private <C extends EsaCall> void on(Class<C> type, Handler<C> handler) {
        routes.put(type, new Route<>(type, handler));
    }

    /** A call's handler, given the call as its own type. */
    @FunctionalInterface
    private interface Handler<C> {
        void handle(Exchange exchange, C call) throws EsaException, IOException;
    }

    private record Route<C extends EsaCall>(Class<C> type, Handler<C> handler) {
        void handle(Exchange exchange, EsaCall call) throws EsaException, IOException {
            handler.handle(exchange, type.cast(call)); // routes are looked up by the call's class: cannot fail
        }
    }

    /** One call being answered: who asked, and where its answer goes. */
    private final class Exchange {
        final CallContext context;
        final Session session;
        final EsaResultWriter writer;
        final CountingSink out;

        Exchange(CallContext context, EsaResultWriter writer) {
            this.context = context;
            this.session = context.session();
            this.writer = writer;
            this.out = new CountingSink(writer);
        }

        /** getModified and getDeleted: false means too many to stream, answered NULL (§5). */
        void nullUnless(boolean streamed) throws IOException {
            if (!streamed) {
                writer.nullValue();
            }
        }

        void opened(Cursor cursor) throws IOException {
            cursors.opened(session.principal(), cursor);
            writer.cursor(cursor);
        }
    }

    @FunctionalInterface
    private interface EntryWriter<T> {
        void write(T entry) throws IOException;
    }

    /** The lists of the configuration calls, which the SPI returns whole: each entry to the answer. */
    private static <T> void each(List<T> entries, EntryWriter<T> writer) throws IOException {
        for (T entry : entries) {
            writer.write(entry);
        }
    }

    /** In read-only mode no structure is listed as writable. */
    private ExternalStructure listed(ExternalStructure structure) {
        return readOnly ? new ExternalStructure(structure.name(), structure.label(), false) : structure;
    }

    private void create(Exchange x, Create c) throws EsaException, IOException {
        write(x, c, c.structure(), c.record().id(), null, () -> {
            ExternalRecord created = adapter.create(x.session, c.structure(), c.record());
            return new Landed(created.id(), created.modifiedAt(), () -> x.out.record(created));
        });
    }

    private void update(Exchange x, Update c) throws EsaException, IOException {
        write(x, c, c.structure(), c.record().id(), c.lastSeen(), () -> {
            Instant modifiedAt = adapter.update(x.session, c.structure(), c.lastSeen(), c.record());
            return new Landed(c.record().id(), modifiedAt, () -> x.writer.value(modifiedAt));
        });
    }

    private void delete(Exchange x, Delete c) throws EsaException, IOException {
        write(x, c, c.structure(), c.id(), c.lastSeen(), () -> {
            adapter.delete(x.session, c.structure(), c.lastSeen(), c.id());
            return new Landed(c.id(), null, () -> x.writer.value("true"));
        });
    }

    /**
     * create, update and delete: refused in read-only mode, audited whatever their outcome. The audit line is
     * appended as soon as the adapter has committed (or refused) the write, before a byte of the answer is
     * written: a client that resets the connection cannot make a landed write go unaudited.
     */
    private void write(Exchange x, EsaCall call, String structure, String id, Instant lastSeen, Landing landing)
            throws EsaException, IOException {
        Landed landed;
        try {
            if (readOnly) {
                throw new EsaRecordException(ErrorCode.READ_ONLY, "this ESA is read-only", structure, id, null);
            }
            landed = landing.land();
        } catch (EsaException e) {
            if (audit != null) {
                audit.failed(x.context, call.name(), structure, id, lastSeen, e);
            }
            throw e;
        }
        if (audit != null) {
            audit.succeeded(x.context, call.name(), structure, landed.id, lastSeen, landed.modifiedAt);
        }
        landed.answer.write();
    }

    /** The adapter's write, done. */
    @FunctionalInterface
    private interface Landing {
        Landed land() throws EsaException;
    }

    /**
     * What a landed write tells the audit line (the id, a create's new one, and the stored modified-at, none for a
     * delete) and how it is answered.
     */
    private record Landed(String id, Instant modifiedAt, Answer answer) {
    }

    @FunctionalInterface
    private interface Answer {
        void write() throws IOException;
    }

    /** Counts the records and ids that go into the answer: the rows-served metric and the call log's rows. */
    private static final class CountingSink implements EncodedRecordSink {
        final EsaResultWriter writer;
        long count;

        CountingSink(EsaResultWriter writer) {
            this.writer = writer;
        }

        @Override
        public void record(ExternalRecord record) throws IOException {
            writer.record(record);
            count++;
        }

        @Override
        public void records(EncodedRecords records) throws IOException {
            writer.records(records);
            count += records.count();
        }

        @Override
        public void id(String id) throws IOException {
            writer.id(id);
            count++;
        }
    }

    /** esa-protocol.md §5: a foreign external system id is refused with HTTP 403. */
    private String checked(String externalSystemId) throws ForeignExternalSystemException {
        if (requiredExternalSystemId != null && !requiredExternalSystemId.equals(externalSystemId)) {
            throw new ForeignExternalSystemException();
        }
        return externalSystemId;
    }
}
