package org.esabridge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.esabridge.api.Cursor;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalField;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ResultSink;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.xml.EsaCallWriter;
import org.esabridge.api.xml.EsaResultHandler;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.api.xml.EsaResultReader;
import org.esabridge.api.xml.ProtocolTime;
import org.esabridge.api.xml.XmlLimits;

/**
 * The sync host's side of the wire (esa-protocol.md §1), over any {@link EsaTransport}: HTTPS to a server,
 * a command-line ESA's standard input and output, or an ESA that dials out. Typed methods for the calls of §5; {@link #call} for any call
 * with a handler of one's own; {@link #post} for raw documents. Faults the ESA answers are thrown as the typed
 * {@link EsaException}s with their code, whatever the HTTP status. Thread-safe when the transport is.
 */
public final class EsaClient implements AutoCloseable {
    /** A raw exchange, for the conformance checks that send what the codec would never write. */
    public record RawAnswer(int status, String body) {
    }

    static final String CONTENT_TYPE = "application/xml; charset=UTF-8";

    private final EsaTransport transport;
    /**
     * The defaults but for values: an ESA sends a LONGTEXT or BLOB whole (up to its driver's packet, 64 MiB in a small
     * JVM), and the host syncs tables as applications have them, so a value may be 64 Mi characters here, not 1 Mi.
     */
    static final XmlLimits LIMITS = new XmlLimits(XmlLimits.defaults().maxDepth(), XmlLimits.defaults().maxElements(),
            XmlLimits.defaults().maxAttributeLength(), 64 << 20);

    private final EsaResultReader reader = new EsaResultReader(LIMITS);
    private final AtomicLong callIds = new AtomicLong();

    private EsaClient(EsaTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport == null");
    }

    /** A client that sends no credentials (an ESA without authentication). */
    public static EsaClient connect(URI url, SSLContext tls, Duration timeout) {
        return connect(url, tls, timeout, null);
    }

    /**
     * @param tls           the trust to use for {@code https} URLs (see {@link ClientTls})
     * @param authorization the {@code Authorization} header of every call ({@link #bearer}, {@link #basic}),
     *                      or null for none
     */
    public static EsaClient connect(URI url, SSLContext tls, Duration timeout, String authorization) {
        return over(new HttpsTransport(url, tls, timeout, authorization));
    }

    /** A client whose calls travel by {@code transport}: HTTPS, a command-line ESA's stdio, or dial-out. */
    public static EsaClient over(EsaTransport transport) {
        return new EsaClient(transport);
    }

    /** {@code Authorization} value for a bearer token. */
    public static String bearer(String token) {
        return "Bearer " + token.strip();
    }

    /** {@code Authorization} value for HTTP Basic. */
    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Where the calls go, for messages. */
    public String describe() {
        return transport.describe();
    }

    /**
     * Sends one call and hands the entries of its result to {@code handler} as they arrive.
     *
     * @throws EsaException the ESA's fault, or {@link org.esabridge.api.xml.UnreadableResultException} when the
     *                      answer is not a result addressed to this call
     * @throws IOException  the connection failed
     */
    public void call(EsaCall call, EsaResultHandler handler) throws EsaException, IOException {
        String callId = Long.toString(callIds.incrementAndGet());
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        EsaCallWriter.write(body, callId, call);
        EsaTransport.Answer response = transport.exchange(body.toByteArray(), CONTENT_TYPE);
        boolean ok = response.status() == 200 || response.status() == EsaTransport.NO_STATUS;
        try (InputStream in = response.body()) {
            String responseTo = reader.read(in, handler);
            if (!ok) {
                throw new EsaException(ErrorCode.INTERNAL, "HTTP " + response.status()
                        + " without an <exception> in the answer to " + call.name());
            }
            if (!callId.equals(responseTo)) {
                throw new EsaException(ErrorCode.MALFORMED_REQUEST, "the answer to " + call.name() + " (call " + callId
                        + ") is addressed to call " + responseTo);
            }
        } catch (EsaException e) {
            if (!ok && e instanceof org.esabridge.api.xml.UnreadableResultException) {
                throw new EsaException(e.code(), "HTTP " + response.status() + ": " + e.getMessage());
            }
            throw e;
        } finally {
            if (call instanceof EsaCall.Release) {
                transport.sessionEnded();
            }
        }
    }

    /**
     * Sends a document as it is, for checks of how an ESA treats what a correct host never sends. An answer
     * without {@code response-to} (the document could not be read) ends the session.
     */
    public RawAnswer post(String document, String contentType) throws IOException {
        EsaTransport.Answer response = transport.exchange(document.getBytes(StandardCharsets.UTF_8), contentType);
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!body.contains("response-to=")) {
            transport.sessionEnded();
        }
        return new RawAnswer(response.status(), body);
    }

    // --- typed calls (esa-protocol.md §5) ---

    public String startSync(String externalSystemId) throws EsaException, IOException {
        return single(new EsaCall.StartSync(externalSystemId));
    }

    public void endSync() throws EsaException, IOException {
        empty(new EsaCall.EndSync());
    }

    public int getAllowedRunModes() throws EsaException, IOException {
        return Integer.parseInt(single(new EsaCall.GetAllowedRunModes()));
    }

    public Instant getCurrentTime() throws EsaException, IOException {
        return timestamp(single(new EsaCall.GetCurrentTime()), "getCurrentTime");
    }

    public List<ExternalStructure> getStructureList() throws EsaException, IOException {
        return collect(new EsaCall.GetStructureList()).structures();
    }

    public List<ExternalField> getFieldList(String structure) throws EsaException, IOException {
        return collect(new EsaCall.GetFieldList(structure, null)).fields();
    }

    /** Streams the records into the sink; false when the ESA answered NULL (use {@link #getModifiedPaged}). */
    public boolean getModified(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return streamed(new EsaCall.GetModified(structure, after), sink);
    }

    /** Streams the ids into the sink; false when the ESA answered NULL (use {@link #getDeletedPaged}). */
    public boolean getDeleted(String structure, Instant after, ResultSink sink) throws EsaException, IOException {
        return streamed(new EsaCall.GetDeleted(structure, after), sink);
    }

    public Cursor getModifiedPaged(String structure, Instant after) throws EsaException, IOException {
        return cursor(new EsaCall.GetModifiedPaged(structure, after));
    }

    public Cursor getDeletedPaged(String structure, Instant after) throws EsaException, IOException {
        return cursor(new EsaCall.GetDeletedPaged(structure, after));
    }

    public void readDataPage(String cursorId, long pageIndex, ResultSink sink) throws EsaException, IOException {
        Objects.requireNonNull(sink, "sink == null");
        call(new EsaCall.ReadDataPage(cursorId, pageIndex), new EsaResultHandler() {
            @Override
            public void record(ExternalRecord record) throws IOException {
                sink.record(record);
            }

            @Override
            public void id(String id) throws IOException {
                sink.id(id);
            }
        });
    }

    public void closeCursor(String cursorId) throws EsaException, IOException {
        empty(new EsaCall.CloseCursor(cursorId));
    }

    public void leaseSession() throws EsaException, IOException {
        empty(new EsaCall.LeaseSession());
    }

    public ExternalRecord read(String structure, String id) throws EsaException, IOException {
        return oneRecord(new EsaCall.Read(structure, id));
    }

    public ExternalRecord create(String structure, ExternalRecord record) throws EsaException, IOException {
        return oneRecord(new EsaCall.Create(structure, record));
    }

    /** @return the record's new modified-at */
    public Instant update(String structure, Instant lastSeen, ExternalRecord record) throws EsaException, IOException {
        return timestamp(single(new EsaCall.Update(structure, lastSeen, record)), "update");
    }

    public void delete(String structure, Instant lastSeen, String id) throws EsaException, IOException {
        RecordingResultHandler c = collect(new EsaCall.Delete(structure, lastSeen, id));
        if (c.values().size() > 1) {
            throw shape("delete", "at most one <value>", c);
        }
    }

    public long countRange(String structure, String minId, String maxId) throws EsaException, IOException {
        return Long.parseLong(single(new EsaCall.CountRange(structure, minId, maxId)));
    }

    public boolean needSyncAgain() throws EsaException, IOException {
        String value = single(new EsaCall.NeedSyncAgain());
        return value.equals("true") || value.equals("1");
    }

    public void release() throws EsaException, IOException {
        empty(new EsaCall.Release());
    }

    /** Closes the transport: a command-line ESA's process is ended. */
    @Override
    public void close() throws IOException {
        transport.close();
    }

    // --- result shapes ---

    /** Everything of a small result; records and ids only where the call answers one or a few. */
    RecordingResultHandler collect(EsaCall call) throws EsaException, IOException {
        RecordingResultHandler c = new RecordingResultHandler();
        call(call, c);
        return c;
    }

    /** The only entry of a result that must hold exactly one, of the kind {@code what} names. */
    private <T> T only(EsaCall call, Function<RecordingResultHandler, List<T>> kind, String what)
            throws EsaException, IOException {
        RecordingResultHandler c = collect(call);
        List<T> entries = kind.apply(c);
        if (entries.size() != 1 || c.size() != 1) {
            throw shape(call.name(), "exactly one " + what, c);
        }
        return entries.get(0);
    }

    private String single(EsaCall call) throws EsaException, IOException {
        return only(call, RecordingResultHandler::values, "<value>");
    }

    private void empty(EsaCall call) throws EsaException, IOException {
        RecordingResultHandler c = collect(call);
        if (c.size() != 0) {
            throw shape(call.name(), "an empty result", c);
        }
    }

    private ExternalRecord oneRecord(EsaCall call) throws EsaException, IOException {
        return only(call, RecordingResultHandler::records, "<record>");
    }

    private Cursor cursor(EsaCall call) throws EsaException, IOException {
        return only(call, RecordingResultHandler::cursors, "<cursor>");
    }

    private boolean streamed(EsaCall call, ResultSink sink) throws EsaException, IOException {
        Objects.requireNonNull(sink, "sink == null");
        boolean[] nullAnswer = new boolean[1];
        long[] entries = new long[1];
        call(call, new EsaResultHandler() {
            @Override
            public void record(ExternalRecord record) throws IOException {
                entries[0]++;
                sink.record(record);
            }

            @Override
            public void id(String id) throws IOException {
                entries[0]++;
                sink.id(id);
            }

            @Override
            public void nullValue() {
                nullAnswer[0] = true;
            }
        });
        if (nullAnswer[0] && entries[0] > 0) {
            throw new EsaException(ErrorCode.MALFORMED_REQUEST, call.name() + " answered entries and nullValue together");
        }
        return !nullAnswer[0];
    }

    private static EsaException shape(String call, String expected, RecordingResultHandler got) {
        return new EsaException(ErrorCode.MALFORMED_REQUEST, call + " must answer " + expected + ", got " + got);
    }

    private static Instant timestamp(String text, String call) throws EsaException {
        try {
            return ProtocolTime.parse(text);
        } catch (java.time.DateTimeException e) {
            throw new EsaException(ErrorCode.MALFORMED_REQUEST, call + " answered '" + text + "', not a timestamp");
        }
    }
}
