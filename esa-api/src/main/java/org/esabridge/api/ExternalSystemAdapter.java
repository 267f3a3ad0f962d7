package org.esabridge.api;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The SPI of an External System Adapter: one method per call of esa-protocol.md §5. The server turns each
 * {@code <esa-call>} into exactly one of these methods and writes what it returns.
 *
 * <p>Faults are thrown as {@link EsaException} (or its record subtypes) with the protocol's code; any other
 * exception is answered as {@link ErrorCode#INTERNAL} without details. Results that grow with the data are
 * streamed into a {@link ResultSink}; an {@link IOException} from the sink means the client went away and
 * must be passed on unchanged.
 *
 * <p>Implementations are called concurrently from many threads.
 */
public interface ExternalSystemAdapter extends AutoCloseable {

    /** Protocol version this SPI speaks, answered by {@code startSync}. */
    String PROTOCOL_VERSION = "1.0";

    /** Run-mode bits of {@link #getAllowedRunModes()}. */
    int RUN_MODE_MANUAL = 1;
    int RUN_MODE_SYNC_ACTIONS = 2;
    int RUN_MODE_EXTERNAL_REQUEST = 4;

    /** First call of a sync: refreshes the catalog; returns the protocol version. */
    String startSync(Session session, String externalSystemId) throws EsaException;

    /** Last call of a sync. */
    void endSync(Session session) throws EsaException;

    /** The bit-or of the {@code RUN_MODE_…} constants this adapter allows. */
    int getAllowedRunModes() throws EsaException;

    /**
     * Stores the host's external system id: the first id is kept, and replaced only when {@code force}.
     *
     * @return the id stored after the call
     */
    String configure(String externalSystemId, boolean force) throws EsaException;

    /** The exposed structures. Small by nature, so a list. */
    List<ExternalStructure> getStructureList() throws EsaException;

    /** The fields of a structure, without its id and modified-at. */
    List<ExternalField> getFieldList(String structure, String locale) throws EsaException;

    /** The relations navigable from a structure. */
    List<Relation> getRelations(String structure, String locale) throws EsaException;

    /** The settings this adapter lets the host manage. */
    List<EsaParameter> getParametersMeta(String locale) throws EsaException;

    /**
     * Streams the records modified after {@code after} into {@link ResultSink#record}, or answers the
     * protocol's NULL when there are too many for one answer (then nothing reaches the sink).
     *
     * @return true when the records were streamed, false for NULL
     */
    boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException;

    /** Opens a records cursor over the records modified after {@code after}. */
    Cursor getModifiedPaged(Session session, String structure, Instant after) throws EsaException;

    /**
     * Streams the ids of records deleted after {@code after} into {@link ResultSink#id}, or answers NULL.
     *
     * @return true when the ids were streamed, false for NULL
     */
    boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException;

    /** Opens an ids cursor over the records deleted after {@code after}. */
    Cursor getDeletedPaged(Session session, String structure, Instant after) throws EsaException;

    /**
     * Streams one page of a cursor: records or ids by the cursor's type. Any page may be read in any order
     * and as often as wanted until the cursor is closed or expires.
     */
    void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink)
            throws EsaException, IOException;

    /** Frees a cursor; closing an unknown cursor is not an error. */
    void closeCursor(Session session, String cursorId) throws EsaException;

    /** Extends the time-outs of this session's cursors. */
    void leaseSession(Session session) throws EsaException;

    /** Reads one record, or fails with {@link ErrorCode#RECORD_NOT_FOUND}. */
    ExternalRecord read(String structure, String id) throws EsaException;

    /** Creates a record (with the database's id when {@code record.id()} is null) and returns it as stored. */
    ExternalRecord create(Session session, String structure, ExternalRecord record) throws EsaException;

    /**
     * Updates the fields the record carries, only if the stored record was not modified after
     * {@code lastSeen}, else {@link ErrorCode#RECORD_MODIFIED} with the current modified-at.
     *
     * @return the new modified-at, exactly as the next {@code getModified} will show it
     */
    Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record) throws EsaException;

    /**
     * Deletes a record if it was not modified after {@code lastSeen}; deleting a missing record succeeds.
     */
    void delete(Session session, String structure, Instant lastSeen, String id) throws EsaException;

    /** The outcome of a delayed create; this adapter delays no write unless it overrides. */
    default ExternalRecord checkDelayedCreate(String structure, String token) throws EsaException {
        throw new EsaException(ErrorCode.NOT_SUPPORTED, "this ESA does not delay writes");
    }

    /** The outcome of a delayed update. */
    default Instant checkDelayedUpdate(String structure, String token) throws EsaException {
        throw new EsaException(ErrorCode.NOT_SUPPORTED, "this ESA does not delay writes");
    }

    /** The outcome of a delayed delete. */
    default void checkDelayedDelete(String structure, String token) throws EsaException {
        throw new EsaException(ErrorCode.NOT_SUPPORTED, "this ESA does not delay writes");
    }

    /** The number of ids between {@code minId} and {@code maxId}, bounds inclusive. */
    long countRange(String structure, String minId, String maxId) throws EsaException;

    /** The external system's own clock, UTC, to the microsecond. */
    Instant getCurrentTime() throws EsaException;

    /** Whether a write of this session changed more records than the one it addressed. */
    boolean needSyncAgain(Session session) throws EsaException;

    /** Ends the session: closes its cursors. */
    void release(Session session) throws EsaException;

    /**
     * Called first for every authenticated incoming ESA call, before the call itself: an adapter that batches
     * {@code trackRecordDeletion} reports sends them here, as esa-protocol.md §6 requires. It must not fail
     * the call: reports that cannot be delivered stay pending. It must not hold the call long either: a host
     * that does not answer may delay it by a short bound only (the JDBC adapter's
     * {@code helper-flush-wait-millis}), after which sending continues in the background. Does nothing unless
     * the adapter overrides it.
     */
    default void beforeCall() {
    }

    /** Frees the adapter's resources (pools, threads). */
    @Override
    void close();
}
