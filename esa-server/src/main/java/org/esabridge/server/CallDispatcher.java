package org.esabridge.server;

import java.io.IOException;
import java.util.Objects;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Relation;
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
 */
final class CallDispatcher {

    private final ExternalSystemAdapter adapter;
    private final String requiredExternalSystemId;

    /** @param requiredExternalSystemId the only id startSync and configure accept, or null for any */
    CallDispatcher(ExternalSystemAdapter adapter, String requiredExternalSystemId) {
        this.adapter = Objects.requireNonNull(adapter, "adapter == null");
        this.requiredExternalSystemId = requiredExternalSystemId;
    }

    /** Calls the adapter and writes the result's entries; the caller wrote {@code begin} and writes {@code end}. */
    void dispatch(Session session, EsaCall call, EsaResultWriter out) throws EsaException, IOException {
        if (call instanceof EsaCall.StartSync) {
            EsaCall.StartSync c = (EsaCall.StartSync) call;
            checkExternalSystemId(c.externalSystemId());
            out.value(adapter.startSync(session, c.externalSystemId()));
        } else if (call instanceof EsaCall.EndSync) {
            adapter.endSync(session);
        } else if (call instanceof EsaCall.GetAllowedRunModes) {
            out.value(Integer.toString(adapter.getAllowedRunModes()));
        } else if (call instanceof EsaCall.Configure) {
            EsaCall.Configure c = (EsaCall.Configure) call;
            checkExternalSystemId(c.externalSystemId());
            out.value(adapter.configure(c.externalSystemId(), c.force()));
        } else if (call instanceof EsaCall.GetStructureList) {
            for (ExternalStructure structure : adapter.getStructureList()) {
                out.structure(structure);
            }
        } else if (call instanceof EsaCall.GetFieldList) {
            EsaCall.GetFieldList c = (EsaCall.GetFieldList) call;
            for (ExternalField field : adapter.getFieldList(c.structure(), c.locale())) {
                out.field(field);
            }
        } else if (call instanceof EsaCall.GetRelations) {
            EsaCall.GetRelations c = (EsaCall.GetRelations) call;
            for (Relation relation : adapter.getRelations(c.structure(), c.locale())) {
                out.relation(relation);
            }
        } else if (call instanceof EsaCall.GetParametersMeta) {
            for (EsaParameter parameter : adapter.getParametersMeta(((EsaCall.GetParametersMeta) call).locale())) {
                out.parameter(parameter);
            }
        } else if (call instanceof EsaCall.GetModified) {
            EsaCall.GetModified c = (EsaCall.GetModified) call;
            if (!adapter.getModified(c.structure(), c.after(), out)) {
                out.nullValue();
            }
        } else if (call instanceof EsaCall.GetModifiedPaged) {
            EsaCall.GetModifiedPaged c = (EsaCall.GetModifiedPaged) call;
            out.cursor(adapter.getModifiedPaged(session, c.structure(), c.after()));
        } else if (call instanceof EsaCall.GetDeleted) {
            EsaCall.GetDeleted c = (EsaCall.GetDeleted) call;
            if (!adapter.getDeleted(c.structure(), c.after(), out)) {
                out.nullValue();
            }
        } else if (call instanceof EsaCall.GetDeletedPaged) {
            EsaCall.GetDeletedPaged c = (EsaCall.GetDeletedPaged) call;
            Cursor cursor = adapter.getDeletedPaged(session, c.structure(), c.after());
            out.cursor(cursor);
        } else if (call instanceof EsaCall.ReadDataPage) {
            EsaCall.ReadDataPage c = (EsaCall.ReadDataPage) call;
            adapter.readDataPage(session, c.cursorId(), c.pageIndex(), out);
        } else if (call instanceof EsaCall.CloseCursor) {
            adapter.closeCursor(session, ((EsaCall.CloseCursor) call).cursorId());
        } else if (call instanceof EsaCall.LeaseSession) {
            adapter.leaseSession(session);
        } else if (call instanceof EsaCall.Read) {
            EsaCall.Read c = (EsaCall.Read) call;
            out.record(adapter.read(c.structure(), c.id()));
        } else if (call instanceof EsaCall.Create) {
            EsaCall.Create c = (EsaCall.Create) call;
            out.record(adapter.create(session, c.structure(), c.record()));
        } else if (call instanceof EsaCall.Update) {
            EsaCall.Update c = (EsaCall.Update) call;
            out.value(adapter.update(session, c.structure(), c.lastSeen(), c.record()));
        } else if (call instanceof EsaCall.Delete) {
            EsaCall.Delete c = (EsaCall.Delete) call;
            adapter.delete(session, c.structure(), c.lastSeen(), c.id());
            out.value("true");
        } else if (call instanceof EsaCall.CheckDelayedCreate) {
            EsaCall.CheckDelayedCreate c = (EsaCall.CheckDelayedCreate) call;
            out.record(adapter.checkDelayedCreate(c.structure(), c.token()));
        } else if (call instanceof EsaCall.CheckDelayedUpdate) {
            EsaCall.CheckDelayedUpdate c = (EsaCall.CheckDelayedUpdate) call;
            out.value(adapter.checkDelayedUpdate(c.structure(), c.token()));
        } else if (call instanceof EsaCall.CheckDelayedDelete) {
            EsaCall.CheckDelayedDelete c = (EsaCall.CheckDelayedDelete) call;
            adapter.checkDelayedDelete(c.structure(), c.token());
        } else if (call instanceof EsaCall.CountRange) {
            EsaCall.CountRange c = (EsaCall.CountRange) call;
            out.value(Long.toString(adapter.countRange(c.structure(), c.minId(), c.maxId())));
        } else if (call instanceof EsaCall.GetCurrentTime) {
            out.value(adapter.getCurrentTime());
        } else if (call instanceof EsaCall.NeedSyncAgain) {
            out.value(Boolean.toString(adapter.needSyncAgain(session)));
        } else if (call instanceof EsaCall.Release) {
            adapter.release(session);
        } else {
            // Reached only when a call type is added to EsaCall and not here; CallDispatcherTest fails first.
            throw new EsaException(ErrorCode.NOT_SUPPORTED, "call " + call.name() + " is not supported");
        }
    }

    /** esa-protocol.md §5: a foreign external system id is refused with HTTP 403. */
    private void checkExternalSystemId(String externalSystemId) throws ForeignExternalSystemException {
        if (requiredExternalSystemId != null && !requiredExternalSystemId.equals(externalSystemId)) {
            throw new ForeignExternalSystemException();
        }
    }
}
