package org.esabridge.api.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;

/**
 * {@code sync.xsd}, the formal protocol (esa-protocol.md), loaded once from the class path. Tests of every
 * module validate what they send and receive against it.
 */
public final class SyncSchema {
    /** Class-path location of the schema inside the esa-api jar. */
    public static final String RESOURCE = "/org/esabridge/api/xml/sync.xsd";

    private static final Schema SCHEMA = load();

    private SyncSchema() {
    }

    private static Schema load() {
        URL url = SyncSchema.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("sync.xsd is missing from the class path at " + RESOURCE);
        }
        try {
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(url);
        } catch (SAXException e) {
            throw new IllegalStateException("sync.xsd is not a valid schema: " + e.getMessage(), e);
        }
    }

    /** The schema, for callers that validate themselves. Thread-safe. */
    public static Schema schema() {
        return SCHEMA;
    }

    /** Every error of the document against sync.xsd, with line numbers; empty when it is valid. */
    public static List<String> errors(byte[] document) {
        List<String> errors = new ArrayList<>();
        Validator validator = SCHEMA.newValidator();
        try {
            validator.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            throw new IllegalStateException("the JDK validator refused its hardening", e);
        }
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                // warnings do not make a document invalid
            }

            @Override
            public void error(SAXParseException e) {
                errors.add(describe(e));
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add(describe(e));
            }
        });
        try {
            validator.validate(new StreamSource(new ByteArrayInputStream(document)));
        } catch (SAXParseException e) {
            if (errors.isEmpty()) {
                errors.add(describe(e));
            }
        } catch (SAXException | IOException e) {
            errors.add(String.valueOf(e.getMessage()));
        }
        return Collections.unmodifiableList(errors);
    }

    /** Throws {@link ErrorCode#MALFORMED_REQUEST} listing the errors when the document is not valid. */
    public static void validate(byte[] document) throws EsaException {
        List<String> errors = errors(document);
        if (!errors.isEmpty()) {
            throw new EsaException(ErrorCode.MALFORMED_REQUEST, "not valid against sync.xsd: " + errors);
        }
    }

    private static String describe(SAXParseException e) {
        return "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage();
    }
}
