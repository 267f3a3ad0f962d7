package org.esabridge.jdbc.dialect;

import java.sql.SQLException;
import org.esabridge.api.ErrorCode;

/**
 * What differs between databases, kept small so that a second database can follow MariaDB: identifier
 * quoting and the classification of driver errors into protocol fault codes.
 */
public interface Dialect {

    /** Quotes an identifier that came from the catalog (never from request text). */
    String quote(String identifier);

    /** The protocol code for a failed statement, {@link ErrorCode#INTERNAL} when nothing more fits. */
    ErrorCode classify(SQLException e);

    /** Whether the statement lost a deadlock (or a similar transient conflict) and may simply be retried. */
    boolean isRetryable(SQLException e);
}
