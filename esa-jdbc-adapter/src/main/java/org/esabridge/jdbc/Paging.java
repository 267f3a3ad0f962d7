package org.esabridge.jdbc;

import java.io.IOException;
import java.time.Instant;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaException;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;
import org.esabridge.jdbc.catalog.TableSql;

/**
 * The paged calls, one seam between {@link JdbcAdapter} and the {@code cursor} package that implements them
 * ({@link org.esabridge.jdbc.cursor.Cursors}). Internal: public only because the implementation lives in
 * another package.
 */
public interface Paging {

    Cursor getModifiedPaged(Session session, TableSql table, Instant after) throws EsaException;

    Cursor getDeletedPaged(Session session, TableSql table, Instant after) throws EsaException;

    void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink) throws EsaException, IOException;

    void closeCursor(Session session, String cursorId) throws EsaException;

    void leaseSession(Session session) throws EsaException;

    /** Frees the cursors of an ended session. */
    void release(Session session) throws EsaException;
}
