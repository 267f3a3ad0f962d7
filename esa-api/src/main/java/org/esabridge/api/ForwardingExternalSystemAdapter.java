package org.esabridge.api;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An adapter that passes every call to another adapter, so that a subclass changes one or two calls and
 * keeps the rest as they are: a test double that blocks, fails or records on cue, a decorator that counts.
 * Every method of {@link ExternalSystemAdapter} is forwarded, the ones with defaults included, so a subclass
 * never falls back to a default the delegate overrides. Like OkHttp's {@code ForwardingSource}.
 *
 * <pre>{@code
 * ExternalSystemAdapter failing = new ForwardingExternalSystemAdapter(real) {
 *     @Override
 *     public Instant getCurrentTime() throws EsaException {
 *         throw new EsaException(ErrorCode.DATABASE_UNAVAILABLE, "down on cue");
 *     }
 * };
 * }</pre>
 */
public class ForwardingExternalSystemAdapter implements ExternalSystemAdapter {
    private final ExternalSystemAdapter delegate;

    public ForwardingExternalSystemAdapter(ExternalSystemAdapter delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    }

    /** The adapter every call goes to. */
    public final ExternalSystemAdapter delegate() {
        return delegate;
    }

    @Override
    public String startSync(Session s, String externalSystemId) throws EsaException {
        return delegate.startSync(s, externalSystemId);
    }

    @Override
    public void endSync(Session s) throws EsaException {
        delegate.endSync(s);
    }

    @Override
    public int getAllowedRunModes() throws EsaException {
        return delegate.getAllowedRunModes();
    }

    @Override
    public String configure(String externalSystemId, boolean force) throws EsaException {
        return delegate.configure(externalSystemId, force);
    }

    @Override
    public List<ExternalStructure> getStructureList() throws EsaException {
        return delegate.getStructureList();
    }

    @Override
    public List<ExternalField> getFieldList(String structure, String locale) throws EsaException {
        return delegate.getFieldList(structure, locale);
    }

    @Override
    public List<Relation> getRelations(String structure, String locale) throws EsaException {
        return delegate.getRelations(structure, locale);
    }

    @Override
    public List<EsaParameter> getParametersMeta(String locale) throws EsaException {
        return delegate.getParametersMeta(locale);
    }

    @Override
    public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return delegate.getModified(structure, after, sink);
    }

    @Override
    public Cursor getModifiedPaged(Session s, String structure, Instant after) throws EsaException {
        return delegate.getModifiedPaged(s, structure, after);
    }

    @Override
    public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return delegate.getDeleted(structure, after, sink);
    }

    @Override
    public Cursor getDeletedPaged(Session s, String structure, Instant after) throws EsaException {
        return delegate.getDeletedPaged(s, structure, after);
    }

    @Override
    public void readDataPage(Session s, String cursorId, long page, ResultSink sink) throws EsaException, IOException {
        delegate.readDataPage(s, cursorId, page, sink);
    }

    @Override
    public void closeCursor(Session s, String cursorId) throws EsaException {
        delegate.closeCursor(s, cursorId);
    }

    @Override
    public void leaseSession(Session s) throws EsaException {
        delegate.leaseSession(s);
    }

    @Override
    public ExternalRecord read(String structure, String id) throws EsaException {
        return delegate.read(structure, id);
    }

    @Override
    public ExternalRecord create(Session s, String structure, ExternalRecord record) throws EsaException {
        return delegate.create(s, structure, record);
    }

    @Override
    public Instant update(Session s, String structure, Instant lastSeen, ExternalRecord record) throws EsaException {
        return delegate.update(s, structure, lastSeen, record);
    }

    @Override
    public void delete(Session s, String structure, Instant lastSeen, String id) throws EsaException {
        delegate.delete(s, structure, lastSeen, id);
    }

    @Override
    public ExternalRecord checkDelayedCreate(String structure, String token) throws EsaException {
        return delegate.checkDelayedCreate(structure, token);
    }

    @Override
    public Instant checkDelayedUpdate(String structure, String token) throws EsaException {
        return delegate.checkDelayedUpdate(structure, token);
    }

    @Override
    public void checkDelayedDelete(String structure, String token) throws EsaException {
        delegate.checkDelayedDelete(structure, token);
    }

    @Override
    public long countRange(String structure, String minId, String maxId) throws EsaException {
        return delegate.countRange(structure, minId, maxId);
    }

    @Override
    public Instant getCurrentTime() throws EsaException {
        return delegate.getCurrentTime();
    }

    @Override
    public boolean needSyncAgain(Session s) throws EsaException {
        return delegate.needSyncAgain(s);
    }

    @Override
    public void release(Session s) throws EsaException {
        delegate.release(s);
    }

    @Override
    public void beforeCall() {
        delegate.beforeCall();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + delegate + ")";
    }
}
