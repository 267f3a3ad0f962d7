package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Valid {@code <esa-call>} documents become the right call records (esa-protocol.md §5). */
class EsaCallReaderTest {
    private static final String T = "2026-11-23T05:46:31.123456Z";
    private static final Instant I = Instant.parse(T);
    private static final String REC = "<record><id>1042</id><modified-at>" + T + "</modified-at>"
            + "<field name=\"email\">ada@example.org</field><field name=\"phone\" xsi:nil=\"true\"/></record>";
    private static final ExternalRecord RECORD = new ExternalRecord("1042", I,
            List.of(new FieldValue("email", "ada@example.org"), new FieldValue("phone", null)));

    static Stream<Arguments> everyCall() {
        return Stream.of(
                call("<startSync><external-system-id>host-1</external-system-id></startSync>",
                        new EsaCall.StartSync("host-1")),
                call("<endSync/>", new EsaCall.EndSync()),
                call("<getAllowedRunModes/>", new EsaCall.GetAllowedRunModes()),
                call("<configure><external-system-id>host-1</external-system-id><force>true</force></configure>",
                        new EsaCall.Configure("host-1", true)),
                call("<getStructureList/>", new EsaCall.GetStructureList()),
                call("<getFieldList><structure>contacts</structure><locale>de-CH</locale></getFieldList>",
                        new EsaCall.GetFieldList("contacts", "de-CH")),
                call("<getRelations><structure>contacts</structure><locale>en</locale></getRelations>",
                        new EsaCall.GetRelations("contacts", "en")),
                call("<getParametersMeta><locale>fr</locale></getParametersMeta>",
                        new EsaCall.GetParametersMeta("fr")),
                call("<getModified><structure>contacts</structure><after>" + T + "</after></getModified>",
                        new EsaCall.GetModified("contacts", I)),
                call("<getModifiedPaged><structure>contacts</structure><after>" + T + "</after></getModifiedPaged>",
                        new EsaCall.GetModifiedPaged("contacts", I)),
                call("<getDeleted><structure>contacts</structure><after>" + T + "</after></getDeleted>",
                        new EsaCall.GetDeleted("contacts", I)),
                call("<getDeletedPaged><structure>contacts</structure><after>" + T + "</after></getDeletedPaged>",
                        new EsaCall.GetDeletedPaged("contacts", I)),
                call("<readDataPage><cursor-id>c-9</cursor-id><page-index>3</page-index></readDataPage>",
                        new EsaCall.ReadDataPage("c-9", 3)),
                call("<closeCursor><cursor-id>c-9</cursor-id></closeCursor>", new EsaCall.CloseCursor("c-9")),
                call("<leaseSession/>", new EsaCall.LeaseSession()),
                call("<read><structure>contacts</structure><id>1042</id></read>", new EsaCall.Read("contacts", "1042")),
                call("<create><structure>contacts</structure>" + REC + "</create>",
                        new EsaCall.Create("contacts", RECORD)),
                call("<update><structure>contacts</structure><last-seen>" + T + "</last-seen>" + REC + "</update>",
                        new EsaCall.Update("contacts", I, RECORD)),
                call("<delete><structure>contacts</structure><last-seen>" + T + "</last-seen><id>7</id></delete>",
                        new EsaCall.Delete("contacts", I, "7")),
                call("<checkDelayedCreate><structure>s</structure><token>t1</token></checkDelayedCreate>",
                        new EsaCall.CheckDelayedCreate("s", "t1")),
                call("<checkDelayedUpdate><structure>s</structure><token>t2</token></checkDelayedUpdate>",
                        new EsaCall.CheckDelayedUpdate("s", "t2")),
                call("<checkDelayedDelete><structure>s</structure><token>t3</token></checkDelayedDelete>",
                        new EsaCall.CheckDelayedDelete("s", "t3")),
                call("<countRange><structure>s</structure><min-id>10</min-id><max-id>20</max-id></countRange>",
                        new EsaCall.CountRange("s", "10", "20")),
                call("<getCurrentTime/>", new EsaCall.GetCurrentTime()),
                call("<needSyncAgain/>", new EsaCall.NeedSyncAgain()),
                call("<release/>", new EsaCall.Release()));
    }

    private static Arguments call(String xml, EsaCall expected) {
        return Arguments.of(expected.name(), xml, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void everyCallIsReadIntoItsRecord(String name, String callXml, EsaCall expected) throws Exception {
        String document = Docs.esaCall("17", callXml);
        Docs.assertValid(document);
        EsaRequest request = Docs.read(document);
        assertEquals("17", request.callId());
        assertEquals(expected, request.call());
        assertEquals(name, request.call().name());
    }

    @Test
    void everyCallOfTheSealedInterfaceIsCovered() {
        List<String> covered = new ArrayList<>();
        everyCall().forEach(a -> covered.add((String) a.get()[0]));
        assertEquals(EsaCall.class.getPermittedSubclasses().length, covered.size());
    }

    @Test
    void childrenAreAcceptedInAnyOrder() throws Exception {
        String update = "<update>" + REC + "<last-seen>" + T + "</last-seen><structure>contacts</structure></update>";
        assertEquals(new EsaCall.Update("contacts", I, RECORD), Docs.read(Docs.esaCall("1", update)).call());
        String record = "<record><field name=\"email\">ada@example.org</field><modified-at>" + T
                + "</modified-at><field name=\"phone\" xsi:nil=\"true\"/><id>1042</id></record>";
        assertEquals(new EsaCall.Create("contacts", RECORD),
                Docs.read(Docs.esaCall("1", "<create>" + record + "<structure>contacts</structure></create>")).call());
        String count = "<countRange><max-id>20</max-id><structure>s</structure><min-id>10</min-id></countRange>";
        assertEquals(new EsaCall.CountRange("s", "10", "20"), Docs.read(Docs.esaCall("1", count)).call());
    }

    @Test
    void controlValuesAreTrimmedButFieldValuesAreNot() throws Exception {
        String update = "<update>\n  <structure>\n    contacts\n  </structure>\n"
                + "  <last-seen>\t" + T + " </last-seen>\n"
                + "  <record>\n    <id> 1042 </id>\n    <modified-at>\n" + T + "\n</modified-at>\n"
                + "    <field name=\" note \">  two  spaces \n</field>\n  </record>\n</update>";
        String document = Docs.esaCall(" 5 ", update);
        Docs.assertValid(document);
        EsaRequest request = Docs.read(document);
        assertEquals("5", request.callId());
        EsaCall.Update call = (EsaCall.Update) request.call();
        assertEquals("contacts", call.structure());
        assertEquals(I, call.lastSeen());
        assertEquals("1042", call.record().id());
        assertEquals(I, call.record().modifiedAt());
        assertEquals("  two  spaces \n", call.record().field("note").text());
        EsaCall.ReadDataPage page = (EsaCall.ReadDataPage) Docs.read(Docs.esaCall("6",
                "<readDataPage><cursor-id> c </cursor-id><page-index>\n 0 \n</page-index></readDataPage>")).call();
        assertEquals(new EsaCall.ReadDataPage("c", 0), page);
    }

    @Test
    void nilFieldIsNullAndEmptyFieldIsEmptyText() throws Exception {
        String create = "<create><structure>s</structure><record>"
                + "<field name=\"a\" xsi:nil=\"true\"/><field name=\"b\"/><field name=\"c\" xsi:nil=\"1\"></field>"
                + "<field name=\"d\" xsi:nil=\"false\">x</field></record></create>";
        String document = Docs.esaCall("1", create);
        Docs.assertValid(document);
        ExternalRecord record = ((EsaCall.Create) Docs.read(document).call()).record();
        assertNull(record.id());
        assertNull(record.modifiedAt());
        assertTrue(record.field("a").isNull());
        assertEquals("", record.field("b").text());
        assertTrue(record.field("c").isNull());
        assertEquals("x", record.field("d").text());
    }

    @Test
    void optionalChildrenHaveTheirDefaults() throws Exception {
        assertEquals(new EsaCall.Configure("h", false),
                Docs.read(Docs.esaCall("1", "<configure><external-system-id>h</external-system-id></configure>")).call());
        assertEquals(new EsaCall.GetFieldList("s", null),
                Docs.read(Docs.esaCall("1", "<getFieldList><structure>s</structure></getFieldList>")).call());
        assertEquals(new EsaCall.GetParametersMeta(null),
                Docs.read(Docs.esaCall("1", "<getParametersMeta/>")).call());
    }

    @Test
    void booleansAcceptOneAndZero() throws Exception {
        assertEquals(new EsaCall.Configure("h", true), Docs.read(Docs.esaCall("1",
                "<configure><external-system-id>h</external-system-id><force> 1 </force></configure>")).call());
        assertEquals(new EsaCall.Configure("h", false), Docs.read(Docs.esaCall("1",
                "<configure><external-system-id>h</external-system-id><force>0</force></configure>")).call());
    }

    @Test
    void timestampsWithAnyOffsetOrNoneAreReadAsInstants() throws Exception {
        assertEquals(I, after("2026-11-23T07:46:31.123456+02:00"));
        assertEquals(I, after("2026-11-22T19:46:31.123456-10:00"));
        // No offset: UTC, not the JVM's zone (the tests run in Pacific/Kiritimati, UTC+14).
        assertEquals(I, after("2026-11-23T05:46:31.123456"));
        assertEquals(Instant.parse("2026-11-23T05:46:31Z"), after("2026-11-23T05:46:31Z"));
        assertEquals(Instant.parse("2026-11-23T05:46:31.123456789Z"), after("2026-11-23T05:46:31.123456789Z"));
    }

    private static Instant after(String text) throws Exception {
        String document = Docs.esaCall("1", "<getModified><structure>s</structure><after>" + text
                + "</after></getModified>");
        Docs.assertValid(document);
        return ((EsaCall.GetModified) Docs.read(document).call()).after();
    }

    @Test
    void commentsCdataAndCharacterReferencesAreRead() throws Exception {
        String create = "<create><!-- c --><structure><![CDATA[con]]>tacts</structure><record>"
                + "<field name=\"a\">&lt;b&gt; &amp; &#x1F600; <![CDATA[<raw> & ]]></field></record></create>";
        EsaCall.Create call = (EsaCall.Create) Docs.read(Docs.esaCall("1", create)).call();
        assertEquals("contacts", call.structure());
        assertEquals("<b> & \uD83D\uDE00 <raw> & ", call.record().field("a").text());
    }

    @Test
    void fieldValuesRoundTripFromWriterToReader() throws Exception {
        List<FieldValue> fields = List.of(
                new FieldValue("astral", "\uD83D\uDE00 \uD834\uDD1E \uD840\uDC00"),
                new FieldValue("padded", "  leading and trailing  "),
                new FieldValue("crlf", "line1\r\nline2\rline3\n"),
                new FieldValue("tab", "\t"),
                new FieldValue("markup", "<a href=\"x\">&amp;</a> ]]> '"),
                new FieldValue("empty", ""),
                new FieldValue("nothing", null),
                new FieldValue("blank", "   "));
        ExternalRecord record = new ExternalRecord("k|1", I, fields);
        byte[] written = Docs.result("1", w -> w.record(record));
        Docs.assertValid(written);
        String xml = new String(written, StandardCharsets.UTF_8);
        String recordXml = xml.substring(xml.indexOf("<record>"), xml.indexOf("</record>") + "</record>".length());
        EsaCall call = Docs.read(Docs.esaCall("2", "<create><structure>s</structure>" + recordXml + "</create>")).call();
        assertEquals(new EsaCall.Create("s", record), call);
    }

    @Test
    void utf8DeclaredInAnyCaseIsRead() throws Exception {
        String document = "<?xml version=\"1.0\" encoding=\"utf-8\"?><sync><esa-call call-id=\"1\">"
                + "<read><structure>caf\u00e9</structure><id>1</id></read></esa-call></sync>";
        EsaRequest request = new EsaCallReader(XmlLimits.defaults())
                .read(new java.io.ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
        assertEquals(new EsaCall.Read("caf\u00e9", "1"), request.call());
    }

    @Test
    void oneReaderServesManyThreads() throws Exception {
        EsaCallReader reader = new EsaCallReader(XmlLimits.defaults());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<EsaRequest>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String document = Docs.esaCall(Integer.toString(i), "<read><structure>s</structure><id>" + i
                        + "</id></read>");
                results.add(pool.submit(() -> reader.read(new java.io.ByteArrayInputStream(Docs.bytes(document)))));
            }
            for (int i = 0; i < results.size(); i++) {
                EsaRequest request = results.get(i).get();
                assertEquals(Integer.toString(i), request.callId());
                assertEquals(new EsaCall.Read("s", Integer.toString(i)), request.call());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
