package org.esabridge.api.xml;

import java.io.IOException;
import org.esabridge.api.Cursor;
import org.esabridge.api.EsaParameter;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.Relation;
import org.esabridge.api.ResultSink;

/**
 * Receives the entries of one {@code <result>} from {@link EsaResultReader}, one at a time and in document
 * order. Every method does nothing unless overridden, so a caller handles the forms its call can answer and
 * checks afterwards that it got what it expected. An {@link IOException} thrown here stops the reading and is
 * passed on unchanged.
 */
public interface EsaResultHandler extends ResultSink {

    @Override
    default void record(ExternalRecord record) throws IOException {
    }

    @Override
    default void id(String id) throws IOException {
    }

    /** A {@code <value>}, trimmed. */
    default void value(String value) throws IOException {
    }

    /** The protocol's NULL answer, {@code <nullValue>true</nullValue>}. */
    default void nullValue() throws IOException {
    }

    default void cursor(Cursor cursor) throws IOException {
    }

    default void structure(ExternalStructure structure) throws IOException {
    }

    default void field(ExternalField field) throws IOException {
    }

    default void relation(Relation relation) throws IOException {
    }

    default void parameter(EsaParameter parameter) throws IOException {
    }
}
