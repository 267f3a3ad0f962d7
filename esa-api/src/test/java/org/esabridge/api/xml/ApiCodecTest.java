package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.EsaRecordDelayedException;
import org.esabridge.api.EsaRecordException;
import org.esabridge.api.call.ApiCall;
import org.junit.jupiter.api.Test;

/** The ESA's side of the Helper API (esa-protocol.md §6): calls written, answers read. */
class ApiCodecTest {
    private static final Instant AT = Instant.parse("2026-11-23T05:46:31.123456Z");

    private static String write(ApiCall call) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ApiCallWriter.write(out, "h-1", call);
        Docs.assertValid(out.toByteArray());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyHelperCallIsWrittenInTheDocumentedOrderAndValidates() throws IOException {
        assertTrue(write(new ApiCall.IsKnownId("esa", "contacts", "7")).contains("<api-call call-id=\"h-1\">"
                + "<isKnownID><external-system-id>esa</external-system-id><structure>contacts</structure><id>7</id>"
                + "</isKnownID></api-call>"));
        assertTrue(write(new ApiCall.GetParameter("esa", "tables")).contains("<getParameter><external-system-id>esa"
                + "</external-system-id><name>tables</name></getParameter>"));
        assertTrue(write(new ApiCall.DetectDeleted("esa", AT, "contacts")).contains("<detectDeleted>"
                + "<external-system-id>esa</external-system-id><after>2026-11-23T05:46:31.123456Z</after>"
                + "<structure>contacts</structure></detectDeleted>"));
        assertTrue(write(new ApiCall.EnumerateKnownIds("esa", AT, "contacts")).contains("<enumerateKnownIDs>"
                + "<external-system-id>esa</external-system-id><known-before>2026-11-23T05:46:31.123456Z"
                + "</known-before><structure>contacts</structure></enumerateKnownIDs>"));
        assertTrue(write(new ApiCall.StartSync("esa", true)).contains("<startSync asynchronous=\"true\">"
                + "<external-system-id>esa</external-system-id></startSync>"));
        assertTrue(write(new ApiCall.TrackRecordDeletion("esa", AT, "contacts", "9")).contains("<trackRecordDeletion>"
                + "<external-system-id>esa</external-system-id><time>2026-11-23T05:46:31.123456Z</time>"
                + "<structure>contacts</structure><id>9</id></trackRecordDeletion>"));
    }

    @Test
    void everyHelperCallTypeIsCovered() {
        assertEquals(6, ApiCall.class.getPermittedSubclasses().length);
    }

    @Test
    void aValueXmlCannotCarryWritesNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(UnwritableValueException.class,
                () -> ApiCallWriter.write(out, "1", new ApiCall.IsKnownId("esa", "s", "a\u0000")));
        assertEquals(0, out.size());
    }

    private static ApiResult read(String document) throws EsaException {
        return new ApiResultReader(XmlLimits.defaults()).read(new ByteArrayInputStream(Docs.bytes(document)));
    }

    @Test
    void valuesAndIdsAreRead() throws EsaException {
        String values = Docs.PROLOG + "<sync><result response-to=\" h-1 \"><value> true </value><value>b</value>"
                + "</result></sync>";
        Docs.assertValid(values);
        ApiResult result = read(values);
        assertEquals("h-1", result.responseTo());
        assertEquals(List.of("true", "b"), result.values());
        assertEquals("true", result.value());
        String ids = Docs.PROLOG + "<sync><result response-to=\"2\"><id>1</id><id>\n2\n</id></result></sync>";
        Docs.assertValid(ids);
        assertEquals(List.of("1", "2"), read(ids).ids());
        ApiResult empty = read("<sync><result response-to=\"3\"/></sync>");
        assertNull(empty.value());
        assertEquals(List.of(), empty.ids());
    }

    @Test
    void hostExceptionsBecomeTypedExceptions() {
        String plain = "<sync><result response-to=\"1\"><exception type=\"EsaException\" code=\"UNAUTHORIZED\">"
                + "<message>who are you</message></exception></result></sync>";
        Docs.assertValid(plain);
        EsaException e = assertThrows(EsaException.class, () -> read(plain));
        assertEquals(EsaException.class, e.getClass());
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertEquals("who are you", e.getMessage());

        String record = "<sync><result response-to=\"1\"><exception type=\"EsaRecordException\" code=\"RECORD_MODIFIED\">"
                + "<message>changed</message><structure>contacts</structure><id>1042</id>"
                + "<modified-at>2026-11-23T07:46:31.123456+02:00</modified-at></exception></result></sync>";
        Docs.assertValid(record);
        EsaRecordException r = assertInstanceOf(EsaRecordException.class, assertThrows(EsaException.class,
                () -> read(record)));
        assertEquals(ErrorCode.RECORD_MODIFIED, r.code());
        assertEquals("contacts", r.structure());
        assertEquals("1042", r.id());
        assertEquals(AT, r.modifiedAt());

        String delayed = "<sync><result response-to=\"1\"><exception type=\"EsaRecordDelayedException\" "
                + "code=\"INTERNAL\"><message>later</message><structure>s</structure><token>t-9</token>"
                + "</exception></result></sync>";
        Docs.assertValid(delayed);
        EsaRecordDelayedException d = assertInstanceOf(EsaRecordDelayedException.class,
                assertThrows(EsaException.class, () -> read(delayed)));
        assertEquals("t-9", d.token());

        String unknown = "<sync><result response-to=\"1\"><exception type=\"EsaException\" code=\"SOLAR_FLARE\">"
                + "<message>?</message></exception></result></sync>";
        assertEquals(ErrorCode.INTERNAL, assertThrows(EsaException.class, () -> read(unknown)).code());
    }

    @Test
    void unreadableAnswersAreMalformed() {
        for (String document : List.of("", "<sync><result response-to=\"1\">", "<sync><esa-call call-id=\"1\"/></sync>",
                "<sync><result/></sync>",
                "<!DOCTYPE sync [<!ENTITY x \"y\">]><sync><result response-to=\"1\"><value>&x;</value></result></sync>")) {
            EsaException e = assertThrows(EsaException.class, () -> read(document), document);
            assertEquals(ErrorCode.MALFORMED_REQUEST, e.code(), document);
        }
    }
}
