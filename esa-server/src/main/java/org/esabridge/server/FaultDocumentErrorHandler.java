package org.esabridge.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.xml.EsaResultWriter;

/**
 * Answers the errors Jetty produces itself — an unparsable HTTP request, an unknown path, a request during
 * shutdown — with a {@code <sync>} fault document instead of Jetty's HTML page, because every non-200
 * answer carries one (esa-protocol.md §1). Jetty's message is not echoed: it may name internals.
 */
final class FaultDocumentErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, EsaServlet.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(document(status)), callback);
    }

    /** Still what Jetty 12.1 calls for a request its HTTP parser refuses, although marked for removal. */
    @Override
    @SuppressWarnings("removal")
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, EsaServlet.CONTENT_TYPE));
        return ByteBuffer.wrap(document(status));
    }

    static byte[] document(int status) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            EsaResultWriter.writeFault(out, null, fault(status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static EsaException fault(int status) {
        switch (status) {
            case 400:
                return new EsaException(ErrorCode.MALFORMED_REQUEST, "the HTTP request could not be read");
            case 404:
                return new EsaException(ErrorCode.NOT_SUPPORTED, "no ESA endpoint at this path; use /esa");
            case 405:
                return new EsaException(ErrorCode.NOT_SUPPORTED, "the ESA endpoint accepts POST only");
            case 408:
                return new EsaException(ErrorCode.MALFORMED_REQUEST, "the request arrived too slowly or not at all");
            case 413:
            case 414:
            case 431:
                return new EsaException(ErrorCode.TOO_LARGE, "the HTTP request exceeds a configured limit");
            case 503:
                return new EsaException(ErrorCode.INTERNAL, "the server is not available, e.g. shutting down; retry later");
            default:
                return new EsaException(ErrorCode.INTERNAL, "HTTP status " + status);
        }
    }
}
