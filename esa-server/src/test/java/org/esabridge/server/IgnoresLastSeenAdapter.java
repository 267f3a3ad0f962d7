package org.esabridge.server;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;

/**
 * A deliberately broken ESA for the conformance check: a real adapter whose update and delete ignore the
 * host's last-seen (they pass the stored modified-at instead), the classic lost-update bug.
 */
final class IgnoresLastSeenAdapter implements ExternalSystemAdapter {
    private final ExternalSystemAdapter real;

    IgnoresLastSeenAdapter(ExternalSystemAdapter real) {
        this.real = real;
    }

    @Override
    public Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record)
            throws EsaException {
        return real.update(session, structure, real.read(structure, record.id()).modifiedAt(), record);
    }

    @Override
    public void delete(Session session, String structure, Instant lastSeen, String id) throws EsaException {
        real.delete(session, structure, real.read(structure, id).modifiedAt(), id);
    }

    // --- everything else as the real adapter does it ---

    @Override
    public String startSync(Session session, String externalSystemId) throws EsaException {
        return real.startSync(session, externalSystemId);
    }

    @Override
    public void endSync(Session session) throws EsaException {
        real.endSync(session);
    }

    @Override
    public int getAllowedRunModes() throws EsaException {
        return real.getAllowedRunModes();
    }

    @Override
    public String configure(String externalSystemId, boolean force) throws EsaException {
        return real.configure(externalSystemId, force);
    }

    @Override
    public List<ExternalStructure> getStructureList() throws EsaException {
        return real.getStructureList();
    }

    @Override
    public List<ExternalField> getFieldList(String structure, String locale) throws EsaException {
        return real.getFieldList(structure, locale);
    }

    @Override
    public List<Relation> getRelations(String structure, String locale) throws EsaException {
        return real.getRelations(structure, locale);
    }

    @Override
    public List<EsaParameter> getParametersMeta(String locale) throws EsaException {
        return real.getParametersMeta(locale);
    }

    @Override
    public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return real.getModified(structure, after, sink);
    }

    @Override
    public Cursor getModifiedPaged(Session session, String structure, Instant after) throws EsaException {
        return real.getModifiedPaged(session, structure, after);
    }

    @Override
    public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return real.getDeleted(structure, after, sink);
    }

    @Override
    public Cursor getDeletedPaged(Session session, String structure, Instant after) throws EsaException {
        return real.getDeletedPaged(session, structure, after);
    }

    @Override
    public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink)
            throws EsaException, IOException {
        real.readDataPage(session, cursorId, pageIndex, sink);
    }

    @Override
    public void closeCursor(Session session, String cursorId) throws EsaException {
        real.closeCursor(session, cursorId);
    }

    @Override
    public void leaseSession(Session session) throws EsaException {
        real.leaseSession(session);
    }

    @Override
    public ExternalRecord read(String structure, String id) throws EsaException {
        return real.read(structure, id);
    }

    @Override
    public ExternalRecord create(Session session, String structure, ExternalRecord record) throws EsaException {
        return real.create(session, structure, record);
    }

    @Override
    public long countRange(String structure, String minId, String maxId) throws EsaException {
        return real.countRange(structure, minId, maxId);
    }

    @Override
    public Instant getCurrentTime() throws EsaException {
        return real.getCurrentTime();
    }

    @Override
    public boolean needSyncAgain(Session session) throws EsaException {
        return real.needSyncAgain(session);
    }

    @Override
    public void release(Session session) throws EsaException {
        real.release(session);
    }

    @Override
    public void close() {
        real.close();
    }
}
