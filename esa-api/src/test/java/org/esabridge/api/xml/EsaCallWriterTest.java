package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the host writes, the ESA reads back unchanged, and it is valid against sync.xsd. */
class EsaCallWriterTest {
    private static final Instant T = Instant.parse("2026-11-23T05:46:31.123456Z");
    // Values a careless writer would damage: markup characters, CR, surrounding white space, non-BMP.
    private static final ExternalRecord RECORD = new ExternalRecord("10&42", T, List.of(
            new FieldValue("email", "ada@example.org"),
            new FieldValue("notes", "  line 1\r\nline <2> & \"3\"\r  "),
            new FieldValue("emoji", "\uD83D\uDE00 caf\u00e9"),
            new FieldValue("phone", null),
            new FieldValue("empty", "")));
    private static final ExternalRecord NEW_RECORD = new ExternalRecord(null, null,
            List.of(new FieldValue("name", "Ada"), new FieldValue("phone", null)));

    static List<EsaCall> everyCall() {
        return List.of(
                new EsaCall.StartSync("host-1"),
                new EsaCall.EndSync(),
                new EsaCall.GetAllowedRunModes(),
                new EsaCall.Configure("host-1", true),
                new EsaCall.GetStructureList(),
                new EsaCall.GetFieldList("contacts", "de-CH"),
                new EsaCall.GetRelations("contacts", null),
                new EsaCall.GetParametersMeta("fr"),
                new EsaCall.GetModified("contacts", T),
                new EsaCall.GetModifiedPaged("contacts", T),
                new EsaCall.GetDeleted("contacts", T),
                new EsaCall.GetDeletedPaged("contacts", T),
                new EsaCall.ReadDataPage("c-9", 3),
                new EsaCall.CloseCursor("c-9"),
                new EsaCall.LeaseSession(),
                new EsaCall.Read("contacts", "1042"),
                new EsaCall.Create("contacts", NEW_RECORD),
                new EsaCall.Update("contacts", T, RECORD),
                new EsaCall.Delete("contacts", T, "1042"),
                new EsaCall.CheckDelayedCreate("contacts", "tok-1"),
                new EsaCall.CheckDelayedUpdate("contacts", "tok-2"),
                new EsaCall.CheckDelayedDelete("contacts", "tok-3"),
                new EsaCall.CountRange("contacts", "1", "999"),
                new EsaCall.GetCurrentTime(),
                new EsaCall.NeedSyncAgain(),
                new EsaCall.Release());
    }

    @Test
    void theSamplesCoverEveryPermittedCall() {
        Set<Class<?>> permitted = Arrays.stream(EsaCall.class.getPermittedSubclasses()).collect(Collectors.toSet());
        Set<Class<?>> sampled = everyCall().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(permitted, sampled);
    }

    @ParameterizedTest
    @MethodSource("everyCall")
    void everyCallIsValidAndReadsBackEqual(EsaCall call) throws Exception {
        byte[] document = write("call-" + call.name(), call);
        Docs.assertValid(document);
        EsaRequest read = new EsaCallReader(XmlLimits.defaults()).read(new ByteArrayInputStream(document));
        assertEquals(new EsaRequest("call-" + call.name(), call), read);
    }

    @Test
    void aCreateWithoutIdAndAConfigureWithoutForceKeepTheirDefaults() throws Exception {
        for (EsaCall call : Stream.of(new EsaCall.Create("c", NEW_RECORD), new EsaCall.Configure("h", false)).toList()) {
            EsaRequest read = new EsaCallReader(XmlLimits.defaults()).read(new ByteArrayInputStream(write("1", call)));
            assertEquals(call, read.call());
        }
    }

    @Test
    void aValueXmlCannotCarryIsRefusedBeforeAnythingIsWritten() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsaCall call = new EsaCall.Create("c", new ExternalRecord(null, null, List.of(new FieldValue("f", "a\u0001b"))));
        assertThrows(UnwritableValueException.class, () -> EsaCallWriter.write(out, "1", call));
        assertEquals(0, out.size());
    }

    static byte[] write(String callId, EsaCall call) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsaCallWriter.write(out, callId, call);
        return out.toByteArray();
    }
}
