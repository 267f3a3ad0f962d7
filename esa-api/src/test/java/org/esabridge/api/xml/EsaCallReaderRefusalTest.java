package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import org.esabridge.api.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Documents the reader refuses, with the code and call id the server needs (esa-protocol.md §1, §5). */
class EsaCallReaderRefusalTest {
    private static final String XSI = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

    private MockWebServer attacker;

    @BeforeEach
    void startAttacker() throws IOException {
        attacker = new MockWebServer();
        for (int i = 0; i < 4; i++) {
            // Answers so that a parser that does fetch gets a body instead of hanging the test.
            attacker.enqueue(new MockResponse(200, Headers.of(), "<!ENTITY leak 'LEAKED'>"));
        }
        attacker.start();
    }

    @AfterEach
    void stopAttacker() {
        attacker.close();
    }

    private static EsaRequestException refuse(String document) {
        return refuse(XmlLimits.defaults(), Docs.bytes(document));
    }

    private static EsaRequestException refuse(XmlLimits limits, byte[] document) {
        EsaRequestException e = assertThrows(EsaRequestException.class,
                () -> new EsaCallReader(limits).read(new ByteArrayInputStream(document)));
        String message = e.getMessage();
        assertFalse(message.contains("javax") || message.contains("com.sun") || message.contains("jdk.")
                || message.contains("Exception") || message.contains("xerces"), message);
        return e;
    }

    private static void assertMalformed(EsaRequestException e) {
        assertEquals(ErrorCode.MALFORMED_REQUEST, e.code(), e.getMessage());
        assertNull(e.callId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not xml at all",
        "<sync><esa-call call-id=\"1\"><endSync></esa-call></sync>",
        "<sync><esa-call call-id=\"1\"><endSync/></esa-call>",
        "<sync><esa-call call-id=\"1\"><read><structure>&undeclared;</structure><id>1</id></read></esa-call></sync>",
        "<sync><esa-call call-id=\"1\"><endSync/></esa-call></sync><sync/>",
        "<sync><esa-call call-id=\"1\" call-id=\"2\"><endSync/></esa-call></sync>",
    })
    void notWellFormedIsMalformed(String document) {
        assertMalformed(refuse(document));
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] document = Docs.bytes("<sync><esa-call call-id=\"1\"><read><structure>xx</structure><id>1</id>"
                + "</read></esa-call></sync>");
        int at = new String(document, java.nio.charset.StandardCharsets.UTF_8).indexOf("xx");
        document[at] = (byte) 0xC3;
        document[at + 1] = (byte) 0x28;
        assertMalformed(refuse(XmlLimits.defaults(), document));
    }

    /** Issue 11: XML 1.1 lets {@code &#1;} and {@code &#27;} through as character references. */
    @Test
    void xml11IsMalformed() {
        String document = "<?xml version=\"1.1\" encoding=\"UTF-8\"?><sync><esa-call call-id=\"1\">"
                + "<read><structure>s</structure><id>1&#1;&#27;</id></read></esa-call></sync>";
        EsaRequestException e = refuse(document);
        assertMalformed(e);
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
    }

    @Test
    void callIdWithControlCharactersOfXml11IsMalformed() {
        assertMalformed(refuse("<?xml version=\"1.1\"?><sync><esa-call call-id=\"1&#27;[2J\"><endSync/>"
                + "</esa-call></sync>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ISO-8859-1", "US-ASCII", "windows-1252", "UTF-16"})
    void encodingsOtherThanUtf8AreMalformed(String encoding) {
        String document = "<?xml version=\"1.0\" encoding=\"" + encoding + "\"?><sync><esa-call call-id=\"1\">"
                + "<read><structure>cafe</structure><id>1</id></read></esa-call></sync>";
        assertMalformed(refuse(XmlLimits.defaults(), document.getBytes(java.nio.charset.Charset.forName(encoding))));
    }

    @Test
    void utf16WithAByteOrderMarkAndNoDeclarationIsMalformed() {
        byte[] document = ("\uFEFF<sync><esa-call call-id=\"1\"><endSync/></esa-call></sync>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_16BE);
        assertMalformed(refuse(XmlLimits.defaults(), document));
    }

    /** XML 1.0 carries DEL and the C1 controls; a call id holding one could not be logged or echoed as sent. */
    @ParameterizedTest
    @ValueSource(strings = {"&#x7F;", "&#x85;", "&#x9B;"})
    void callIdWithAControlCharacterIsMalformed(String reference) {
        EsaRequestException e = refuse("<sync><esa-call call-id=\"7" + reference + "\"><endSync/></esa-call></sync>");
        assertMalformed(e);
        assertTrue(e.getMessage().contains("call-id"), e.getMessage());
    }

    @Test
    void billionLaughsIsRefusedFast() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE sync [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            String previous = "&lol" + (i - 1) + ";";
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(previous.repeat(10)).append("\">");
        }
        dtd.append("]>");
        String document = "<?xml version=\"1.0\"?>" + dtd + "<sync><esa-call call-id=\"1\"><read><structure>&lol9;"
                + "</structure><id>1</id></read></esa-call></sync>";
        EsaRequestException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> refuse(document));
        assertMalformed(e);
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void externalEntityIsNeverFetched() {
        String url = attacker.url("/secret").toString();
        String document = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY xxe SYSTEM \"" + url + "\">]>"
                + "<sync><esa-call call-id=\"1\"><read><structure>&xxe;</structure><id>1</id></read>"
                + "</esa-call></sync>";
        assertMalformed(refuse(document));
        assertEquals(0, attacker.getRequestCount());
    }

    @Test
    void externalDtdAndParameterEntityAreNeverFetched() {
        String external = "<?xml version=\"1.0\"?><!DOCTYPE sync SYSTEM \"" + attacker.url("/dtd") + "\">"
                + "<sync><esa-call call-id=\"1\"><endSync/></esa-call></sync>";
        assertMalformed(refuse(external));
        String parameter = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY % p SYSTEM \"" + attacker.url("/p")
                + "\"> %p;]><sync><esa-call call-id=\"1\"><read><structure>&leak;</structure><id>1</id>"
                + "</read></esa-call></sync>";
        assertMalformed(refuse(parameter));
        assertEquals(0, attacker.getRequestCount());
    }

    @Test
    void externalEntityOnAFileIsNotRead(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        String document = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<sync><esa-call call-id=\"1\"><read><structure>&xxe;</structure><id>1</id></read>"
                + "</esa-call></sync>";
        EsaRequestException e = refuse(document);
        assertMalformed(e);
        assertFalse(e.getMessage().contains("TOP-SECRET"));
    }

    @Test
    void nestingBeyondMaxDepthIsRefusedAndAtMaxDepthAccepted() throws Exception {
        XmlLimits limits = new XmlLimits(5, 1000, 100, 1000);
        // sync(1) esa-call(2) create(3) record(4) field(5)
        String atLimit = "<sync><esa-call call-id=\"1\"><create><structure>s</structure><record>"
                + "<field name=\"a\">x</field></record></create></esa-call></sync>";
        new EsaCallReader(limits).read(new ByteArrayInputStream(Docs.bytes(atLimit)));
        String beyond = atLimit.replace("<field name=\"a\">x</field>", "<field name=\"a\"><b>x</b></field>");
        EsaRequestException e = refuse(limits, Docs.bytes(beyond));
        assertMalformed(e);
        assertTrue(e.getMessage().contains("deeper than 5"), e.getMessage());
    }

    @Test
    void deepNestingWithDefaultsIsRefused() {
        String deep = "<sync><esa-call call-id=\"1\"><endSync>" + "<a>".repeat(10_000) + "</a>".repeat(10_000)
                + "</endSync></esa-call></sync>";
        assertMalformed(refuse(deep));
    }

    @Test
    void tooManyElementsAreRefused() throws Exception {
        XmlLimits limits = new XmlLimits(32, 10, 100, 1000);
        // 4 envelope/call elements + record + 5 fields = 10
        String fields = "<field name=\"a\">1</field>".repeat(5);
        String atLimit = "<sync><esa-call call-id=\"1\"><create><structure>s</structure><record>" + fields
                + "</record></create></esa-call></sync>";
        new EsaCallReader(limits).read(new ByteArrayInputStream(Docs.bytes(atLimit.replace("name=\"a\">1",
                "name=\"a\">1").replaceFirst("name=\"a\"", "name=\"b\"").replaceFirst("name=\"a\"", "name=\"c\"")
                .replaceFirst("name=\"a\"", "name=\"d\"").replaceFirst("name=\"a\"", "name=\"e\""))));
        String beyond = atLimit.replace("</record>", "<field name=\"z\">1</field></record>");
        EsaRequestException e = refuse(limits, Docs.bytes(beyond));
        assertMalformed(e);
        assertTrue(e.getMessage().contains("more than 10 elements"), e.getMessage());
    }

    @Test
    void hugeAttributeIsRefused() {
        String document = "<sync><esa-call call-id=\"" + "9".repeat(1025) + "\"><endSync/></esa-call></sync>";
        assertMalformed(refuse(document));
    }

    @Test
    void hugeTextIsRefusedAndTextAtTheLimitAccepted() throws Exception {
        XmlLimits limits = new XmlLimits(32, 100, 100, 1000);
        String template = "<sync><esa-call call-id=\"1\"><create><structure>s</structure><record>"
                + "<field name=\"a\">%s</field></record></create></esa-call></sync>";
        new EsaCallReader(limits).read(new ByteArrayInputStream(Docs.bytes(String.format(template, "x".repeat(1000)))));
        EsaRequestException e = refuse(limits, Docs.bytes(String.format(template, "x".repeat(1001))));
        assertMalformed(e);
        // Large text arrives in several parser events; the limit counts across them.
        e = refuse(limits, Docs.bytes(String.format(template, "x&amp;<![CDATA[y]]>".repeat(400))));
        assertMalformed(e);
        e = refuse(XmlLimits.defaults(), Docs.bytes(String.format(template, "x".repeat(1_048_577))));
        assertMalformed(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<result response-to=\"1\"/>",
        "<esa-call call-id=\"1\"><endSync/></esa-call>",
        "<sync xmlns=\"urn:other\"><esa-call call-id=\"1\"><endSync/></esa-call></sync>",
        "<sync><api-call call-id=\"1\"><startSync asynchronous=\"false\"/></api-call></sync>",
        "<sync/>",
        "<sync><esa-call call-id=\"1\"><endSync/></esa-call><esa-call call-id=\"2\"><endSync/></esa-call></sync>",
        "<sync><esa-call call-id=\"1\"><endSync/><release/></esa-call></sync>",
        "<sync><esa-call call-id=\"1\"></esa-call></sync>",
        "<sync><esa-call><endSync/></esa-call></sync>",
        "<sync><esa-call call-id=\"  \"><endSync/></esa-call></sync>",
        "<sync>text<esa-call call-id=\"1\"><endSync/></esa-call></sync>",
    })
    void wrongEnvelopeIsMalformed(String document) {
        assertMalformed(refuse(document));
    }

    @Test
    void unknownCallIsAnsweredToItsCall() {
        EsaRequestException e = refuse(Docs.esaCall("42", "<dropAllTables><structure>s</structure></dropAllTables>"));
        assertEquals(ErrorCode.UNKNOWN_CALL, e.code());
        assertEquals("42", e.callId());
        assertTrue(e.getMessage().contains("dropAllTables"));
    }

    @Test
    void callInANamespaceIsUnknown() {
        EsaRequestException e = refuse(Docs.esaCall("3", "<x:endSync xmlns:x=\"urn:x\"/>"));
        assertEquals(ErrorCode.UNKNOWN_CALL, e.code());
        assertEquals("3", e.callId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<getModified><structure>s</structure><after>yesterday</after></getModified>",
        "<getModified><structure>s</structure><after>2026-11-23</after></getModified>",
        "<getModified><structure>s</structure><after>2026-13-23T00:00:00Z</after></getModified>",
        "<getModified><structure>s</structure><after>2026-02-30T00:00:00Z</after></getModified>",
        "<getModified><structure>s</structure></getModified>",
        "<getModified><structure> </structure><after>2026-11-23T00:00:00Z</after></getModified>",
        "<getModified><structure>s</structure><structure>t</structure><after>2026-11-23T00:00:00Z</after></getModified>",
        "<getModified><structure>s</structure><after>2026-11-23T00:00:00Z</after><limit>5</limit></getModified>",
        "<getModified><structure><b>s</b></structure><after>2026-11-23T00:00:00Z</after></getModified>",
        "<readDataPage><cursor-id>c</cursor-id><page-index>two</page-index></readDataPage>",
        "<readDataPage><cursor-id>c</cursor-id><page-index>1.5</page-index></readDataPage>",
        "<readDataPage><cursor-id>c</cursor-id></readDataPage>",
        "<configure><external-system-id>h</external-system-id><force>yes</force></configure>",
        "<update><structure>s</structure><last-seen>2026-11-23T00:00:00Z</last-seen><record><field name=\"a\">1"
                + "</field></record></update>",
        "<create><structure>s</structure></create>",
        "<create><structure>s</structure><record><field>1</field></record></create>",
        "<create><structure>s</structure><record><field name=\"a\">1</field><field name=\"a\">2</field>"
                + "</record></create>",
        "<create><structure>s</structure><record><colour>red</colour></record></create>",
        "<create><structure>s</structure><record><modified-at>now</modified-at></record></create>",
        "<create><structure>s</structure><record><field name=\"a\" xsi:nil=\"true\">1</field></record></create>",
    })
    void badValuesAreInvalidValueForTheirCall(String callXml) {
        EsaRequestException e = refuse("<sync " + XSI + "><esa-call call-id=\"9\">" + callXml + "</esa-call></sync>");
        assertEquals(ErrorCode.INVALID_VALUE, e.code(), e.getMessage());
        assertEquals("9", e.callId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-9223372036854775808", "99999999999999999999999"})
    void negativeOrHugePageIndexIsOutOfRange(String index) {
        EsaRequestException e = refuse(Docs.esaCall("11",
                "<readDataPage><cursor-id>c</cursor-id><page-index>" + index + "</page-index></readDataPage>"));
        assertEquals(ErrorCode.PAGE_OUT_OF_RANGE, e.code());
        assertEquals("11", e.callId());
    }

    @Test
    void echoedValuesAreShortAndPrintable() {
        EsaRequestException e = refuse(Docs.esaCall("1", "<getModified><structure>s</structure><after>"
                + "x".repeat(5000) + "&#9;</after></getModified>"));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }
}
