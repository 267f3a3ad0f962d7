package org.esabridge.jdbc;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;
import org.esabridge.api.Session;

/** Any MariaDB database as an external system. Thread-safe. */
public final class JdbcAdapter implements ExternalSystemAdapter {
    private final JdbcAdapterConfig config;
    private final Database database;

    private JdbcAdapter(JdbcAdapterConfig config, Database database) {
        this.config = config;
        this.database = database;
    }

    /**
     * Opens the database (the embedded MariaDB when no {@code jdbc-url} is configured), runs the migrations
     * of the {@code esa_} tables and creates the demo schema when asked. {@link #close()} stops all of it.
     */
    public static JdbcAdapter start(JdbcAdapterConfig config) {
        Database database = Database.open(config);
        return new JdbcAdapter(config, database);
    }

    /** The configuration this adapter runs with. */
    public JdbcAdapterConfig config() {
        return config;
    }

    private static EsaException cursorsNotYet() {
        return new EsaException(ErrorCode.NOT_SUPPORTED, "paged results are not available yet");
    }

    @Override public String startSync(Session session, String externalSystemId) throws EsaException { throw cursorsNotYet(); }
    @Override public void endSync(Session session) throws EsaException { throw cursorsNotYet(); }
    @Override public int getAllowedRunModes() throws EsaException { throw cursorsNotYet(); }
    @Override public String configure(String externalSystemId, boolean force) throws EsaException { throw cursorsNotYet(); }
    @Override public List<ExternalStructure> getStructureList() throws EsaException { throw cursorsNotYet(); }
    @Override public List<ExternalField> getFieldList(String structure, String locale) throws EsaException { throw cursorsNotYet(); }
    @Override public List<Relation> getRelations(String structure, String locale) throws EsaException { throw cursorsNotYet(); }
    @Override public List<EsaParameter> getParametersMeta(String locale) throws EsaException { throw cursorsNotYet(); }
    @Override public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException { throw cursorsNotYet(); }
    @Override public Cursor getModifiedPaged(Session session, String structure, Instant after) throws EsaException { throw cursorsNotYet(); }
    @Override public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException { throw cursorsNotYet(); }
    @Override public Cursor getDeletedPaged(Session session, String structure, Instant after) throws EsaException { throw cursorsNotYet(); }
    @Override public void readDataPage(Session session, String cursorId, long pageIndex, ResultSink sink) throws EsaException, IOException { throw cursorsNotYet(); }
    @Override public void closeCursor(Session session, String cursorId) throws EsaException { throw cursorsNotYet(); }
    @Override public void leaseSession(Session session) throws EsaException { throw cursorsNotYet(); }
    @Override public ExternalRecord read(String structure, String id) throws EsaException { throw cursorsNotYet(); }
    @Override public ExternalRecord create(Session session, String structure, ExternalRecord record) throws EsaException { throw cursorsNotYet(); }
    @Override public Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record) throws EsaException { throw cursorsNotYet(); }
    @Override public void delete(Session session, String structure, Instant lastSeen, String id) throws EsaException { throw cursorsNotYet(); }
    @Override public long countRange(String structure, String minId, String maxId) throws EsaException { throw cursorsNotYet(); }
    @Override public Instant getCurrentTime() throws EsaException { throw cursorsNotYet(); }
    @Override public boolean needSyncAgain(Session session) throws EsaException { throw cursorsNotYet(); }
    @Override public void release(Session session) throws EsaException { throw cursorsNotYet(); }

    @Override
    public void close() {
        database.close();
    }
}
