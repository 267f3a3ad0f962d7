package org.esabridge.jdbc;

import java.io.IOException;
import java.time.Instant;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.jdbc.catalog.Table;

/**
 * The paged calls, kept behind one seam so that a {@code cursor} package can supply them: it reuses
 * {@code catalog.RecordMapper} (row → record) and {@code changes.ChangeQueries} (the keyset query over
 * (modification time, id)). Until then {@link #NONE} answers NOT_SUPPORTED.
 */
interface Paging {

    Cursor getModifiedPaged(Session session, Table table, Instant after) throws EsaException;

    Cursor getDeletedPaged(Session session, Table table, Instant after) throws EsaException;

    void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink) throws EsaException, IOException;

    void closeCursor(Session session, String cursorId) throws EsaException;

    void leaseSession(Session session) throws EsaException;

    /** Frees the cursors of an ended session. */
    void release(Session session) throws EsaException;

    Paging NONE = new Paging() {
        private EsaException notYet() {
            return new EsaException(org.esabridge.api.ErrorCode.NOT_SUPPORTED, "paged results are not available yet");
        }

        @Override
        public Cursor getModifiedPaged(Session session, Table table, Instant after) throws EsaException {
            throw notYet();
        }

        @Override
        public Cursor getDeletedPaged(Session session, Table table, Instant after) throws EsaException {
            throw notYet();
        }

        @Override
        public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink) throws EsaException {
            throw notYet();
        }

        @Override
        public void closeCursor(Session session, String cursorId) throws EsaException {
            throw notYet();
        }

        @Override
        public void leaseSession(Session session) throws EsaException {
            throw notYet();
        }

        @Override
        public void release(Session session) {
            // No cursors, nothing to free.
        }
    };
}
