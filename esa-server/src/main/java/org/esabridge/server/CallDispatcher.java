package org.esabridge.server;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.xml.EsaResultWriter;

/**
 * Maps each call of esa-protocol.md §5 to its one adapter method and writes what the method returns: the
 * single place where a call becomes an SPI call. Streamed results go from the adapter through the writer
 * straight to the response.
 *
 * <p>One {@code instanceof} chain over the sealed {@link EsaCall} types (a pattern {@code switch} that the
 * compiler checks for completeness is final only in Java 21); {@code CallDispatcherTest} proves every
 * permitted type is handled.
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
    }

    /**
     * Calls the adapter and writes the result's entries; the caller wrote {@code begin} and writes {@code end}.
     *
     * @return the records and ids written
     */
    long dispatch(CallContext context, EsaCall call, EsaResultWriter writer) throws EsaException, IOException {
        adapter.beforeCall(); // pending deletion reports reach the host before this call is processed (§6)
        Session session = context.session();
        CountingSink out = new CountingSink(writer);
        if (call instanceof EsaCall.Create || call instanceof EsaCall.Update || call instanceof EsaCall.Delete) {
            write(context, call, out);
        } else if (call instanceof EsaCall.StartSync) {
            EsaCall.StartSync c = (EsaCall.StartSync) call;
            checkExternalSystemId(c.externalSystemId());
            writer.value(adapter.startSync(session, c.externalSystemId()));
        } else if (call instanceof EsaCall.EndSync) {
            adapter.endSync(session);
        } else if (call instanceof EsaCall.GetAllowedRunModes) {
            writer.value(Integer.toString(adapter.getAllowedRunModes()));
        } else if (call instanceof EsaCall.Configure) {
            EsaCall.Configure c = (EsaCall.Configure) call;
            checkExternalSystemId(c.externalSystemId());
            writer.value(adapter.configure(c.externalSystemId(), c.force()));
        } else if (call instanceof EsaCall.GetStructureList) {
            for (ExternalStructure structure : adapter.getStructureList()) {
                writer.structure(readOnly ? new ExternalStructure(structure.name(), structure.label(), false) : structure);
            }
        } else if (call instanceof EsaCall.GetFieldList) {
            EsaCall.GetFieldList c = (EsaCall.GetFieldList) call;
            for (ExternalField field : adapter.getFieldList(c.structure(), c.locale())) {
                writer.field(field);
            }
        } else if (call instanceof EsaCall.GetRelations) {
            EsaCall.GetRelations c = (EsaCall.GetRelations) call;
            for (Relation relation : adapter.getRelations(c.structure(), c.locale())) {
                writer.relation(relation);
            }
        } else if (call instanceof EsaCall.GetParametersMeta) {
            for (EsaParameter parameter : adapter.getParametersMeta(((EsaCall.GetParametersMeta) call).locale())) {
                writer.parameter(parameter);
            }
        } else if (call instanceof EsaCall.GetModified) {
            EsaCall.GetModified c = (EsaCall.GetModified) call;
            if (!adapter.getModified(c.structure(), c.after(), out)) {
                writer.nullValue();
            }
        } else if (call instanceof EsaCall.GetModifiedPaged) {
            EsaCall.GetModifiedPaged c = (EsaCall.GetModifiedPaged) call;
            Cursor cursor = adapter.getModifiedPaged(session, c.structure(), c.after());
            cursors.opened(session.principal(), cursor);
            writer.cursor(cursor);
        } else if (call instanceof EsaCall.GetDeleted) {
            EsaCall.GetDeleted c = (EsaCall.GetDeleted) call;
            if (!adapter.getDeleted(c.structure(), c.after(), out)) {
                writer.nullValue();
            }
        } else if (call instanceof EsaCall.GetDeletedPaged) {
            EsaCall.GetDeletedPaged c = (EsaCall.GetDeletedPaged) call;
            Cursor cursor = adapter.getDeletedPaged(session, c.structure(), c.after());
            cursors.opened(session.principal(), cursor);
            writer.cursor(cursor);
        } else if (call instanceof EsaCall.ReadDataPage) {
            EsaCall.ReadDataPage c = (EsaCall.ReadDataPage) call;
            adapter.readDataPage(session, c.cursorId(), c.pageIndex(), out);
            cursors.read(c.cursorId());
        } else if (call instanceof EsaCall.CloseCursor) {
            String cursorId = ((EsaCall.CloseCursor) call).cursorId();
            adapter.closeCursor(session, cursorId);
            cursors.closed(cursorId);
        } else if (call instanceof EsaCall.LeaseSession) {
            adapter.leaseSession(session);
            cursors.leased(session.principal());
        } else if (call instanceof EsaCall.Read) {
            EsaCall.Read c = (EsaCall.Read) call;
            out.record(adapter.read(c.structure(), c.id()));
        } else if (call instanceof EsaCall.CheckDelayedCreate) {
            EsaCall.CheckDelayedCreate c = (EsaCall.CheckDelayedCreate) call;
            out.record(adapter.checkDelayedCreate(c.structure(), c.token()));
        } else if (call instanceof EsaCall.CheckDelayedUpdate) {
            EsaCall.CheckDelayedUpdate c = (EsaCall.CheckDelayedUpdate) call;
            writer.value(adapter.checkDelayedUpdate(c.structure(), c.token()));
        } else if (call instanceof EsaCall.CheckDelayedDelete) {
            EsaCall.CheckDelayedDelete c = (EsaCall.CheckDelayedDelete) call;
            adapter.checkDelayedDelete(c.structure(), c.token());
        } else if (call instanceof EsaCall.CountRange) {
            EsaCall.CountRange c = (EsaCall.CountRange) call;
            writer.value(Long.toString(adapter.countRange(c.structure(), c.minId(), c.maxId())));
        } else if (call instanceof EsaCall.GetCurrentTime) {
            writer.value(adapter.getCurrentTime());
        } else if (call instanceof EsaCall.NeedSyncAgain) {
            writer.value(Boolean.toString(adapter.needSyncAgain(session)));
        } else if (call instanceof EsaCall.Release) {
            adapter.release(session);
            cursors.released(session.principal());
        } else {
            // Reached only when a call type is added to EsaCall and not here; CallDispatcherTest fails first.
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "call " + call.name() + " is not supported");
        }
        return out.count;
    }

    /**
     * create, update and delete: refused in read-only mode, audited whatever their outcome. The audit line is
     * appended as soon as the adapter has committed (or refused) the write, before a byte of the answer is
     * written: a client that resets the connection cannot make a landed write go unaudited.
     */
    private void write(CallContext context, EsaCall call, CountingSink out) throws EsaException, IOException {
        String structure;
        String id;
        Instant lastSeen;
        if (call instanceof EsaCall.Create c) {
            structure = c.structure();
            id = c.record().id();
            lastSeen = null;
        } else if (call instanceof EsaCall.Update c) {
            structure = c.structure();
            id = c.record().id();
            lastSeen = c.lastSeen();
        } else {
            EsaCall.Delete c = (EsaCall.Delete) call;
            structure = c.structure();
            id = c.id();
            lastSeen = c.lastSeen();
        }
        Session session = context.session();
        ExternalRecord created = null;
        Instant modifiedAt = null;
        try {
            if (readOnly) {
                throw new EsaRecordException(ErrorCode.READ_ONLY, "this ESA is read-only", structure, id, null);
            }
            if (call instanceof EsaCall.Create c) {
                created = adapter.create(session, structure, c.record());
                id = created.id();
                modifiedAt = created.modifiedAt();
            } else if (call instanceof EsaCall.Update c) {
                modifiedAt = adapter.update(session, structure, lastSeen, c.record());
            } else {
                adapter.delete(session, structure, lastSeen, id);
            }
        } catch (EsaException e) {
            if (audit != null) {
                audit.failed(context, call.name(), structure, id, lastSeen, e);
            }
            throw e;
        }
        if (audit != null) {
            audit.succeeded(context, call.name(), structure, id, lastSeen, modifiedAt);
        }
        if (created != null) {
            out.record(created);
        } else if (call instanceof EsaCall.Update) {
            out.writer.value(modifiedAt);
        } else {
            out.writer.value("true");
        }
    }

    /** Counts the records and ids that go into the answer: the rows-served metric and the call log's rows. */
    private static final class CountingSink implements ResultSink {
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
        public void id(String id) throws IOException {
            writer.id(id);
            count++;
        }
    }

    /** esa-protocol.md §5: a foreign external system id is refused with HTTP 403. */
    private void checkExternalSystemId(String externalSystemId) throws ForeignExternalSystemException {
        if (requiredExternalSystemId != null && !requiredExternalSystemId.equals(externalSystemId)) {
            throw new ForeignExternalSystemException();
        }
    }
}
