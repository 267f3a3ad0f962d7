package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.Cursor;
import org.esabridge.api.CursorType;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalStructure;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.FieldValue;
import org.esabridge.api.Session;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.xml.EsaResultWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallDispatcherTest {
    private static final CallContext CONTEXT = new CallContext(new Session("test"), "1", "127.0.0.1");

    /**
     * Every call type reaches the adapter method of the same name, none falls through the chain, and each is
     * preceded by {@code beforeCall}.
     */
    @Test
    void everyPermittedCallTypeIsDispatchedToItsAdapterMethod() throws Exception {
        List<String> called = new ArrayList<>();
        CallDispatcher dispatcher = new CallDispatcher(recordingAdapter(called), null, false, null, new CursorGauge());
        Class<?>[] callTypes = EsaCall.class.getPermittedSubclasses();
        assertTrue(callTypes.length >= 26, "the protocol has 26 calls");
        for (Class<?> type : callTypes) {
            EsaCall call = sample(type);
            called.clear();
            EsaResultWriter out = new EsaResultWriter(new ByteArrayOutputStream());
            out.begin("1");
            dispatcher.dispatch(CONTEXT, call, out);
            out.end();
            // beforeCall first: pending deletion reports go to the host before any call is processed (§6)
            assertEquals(List.of("beforeCall", call.name()), called, "adapter methods called for " + call.name());
        }
    }

    @Test
    void foreignExternalSystemIdNeverReachesTheAdapter() {
        List<String> called = new ArrayList<>();
        CallDispatcher dispatcher = new CallDispatcher(recordingAdapter(called), "host-1", false, null, new CursorGauge());
        EsaResultWriter out = new EsaResultWriter(new ByteArrayOutputStream());
        assertThrows(ForeignExternalSystemException.class,
                () -> dispatcher.dispatch(CONTEXT, new EsaCall.Configure("other", true), out));
        assertThrows(ForeignExternalSystemException.class,
                () -> dispatcher.dispatch(CONTEXT, new EsaCall.StartSync("other"), out));
        called.removeIf("beforeCall"::equals); // the deletion-report flush is owed to every call received
        assertEquals(List.of(), called);
    }

    @Test
    void readOnlyModeRefusesWritesBeforeTheAdapterAndListsNothingWritable() throws Exception {
        List<String> called = new ArrayList<>();
        CallDispatcher dispatcher = new CallDispatcher(recordingAdapter(called), null, true, null, new CursorGauge());
        for (Class<?> type : List.of(EsaCall.Create.class, EsaCall.Update.class, EsaCall.Delete.class)) {
            EsaResultWriter out = new EsaResultWriter(new ByteArrayOutputStream());
            EsaException e = assertThrows(EsaException.class, () -> dispatcher.dispatch(CONTEXT, sample(type), out));
            assertEquals(ErrorCode.READ_ONLY, e.code());
        }
        called.removeIf("beforeCall"::equals);
        assertEquals(List.of(), called);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EsaResultWriter out = new EsaResultWriter(bytes);
        out.begin("1");
        dispatcher.dispatch(CONTEXT, new EsaCall.GetStructureList(), out);
        out.end();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("<writable>false</writable>"), bytes.toString());
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("<writable>true</writable>"), bytes.toString());
    }

    /**
     * Issue 11 §5: the audit line of a landed write is appended before its answer is written, so a client that
     * is gone (the answer's bytes cannot be written) or an answer that cannot be written at all does not lose it.
     */
    @Test
    void aLandedWriteIsAuditedEvenWhenItsAnswerCannotBeWritten(@TempDir Path dir) throws Exception {
        String big = "x".repeat(64 * 1024);
        ExternalRecord landed = new ExternalRecord("7", Instant.parse("2026-11-23T05:46:31Z"),
                List.of(new FieldValue("note", big)));
        ExternalSystemAdapter adapter = adapterCreating(landed);
        try (AuditLog audit = AuditLog.open(dir.resolve("audit.log"))) {
            CallDispatcher dispatcher = new CallDispatcher(adapter, null, false, audit, new CursorGauge());
            EsaResultWriter out = new EsaResultWriter(new ClientGoneAfterDeclaration());
            out.begin("9");
            EsaCall create = new EsaCall.Create("t", new ExternalRecord(null, null, List.of(new FieldValue("note", big))));
            assertThrows(IOException.class, () -> dispatcher.dispatch(CONTEXT, create, out));
        }
        List<String> lines = Files.readAllLines(dir.resolve("audit.log"));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" call=create ") && lines.get(0).contains(" id=7 ")
                && lines.get(0).contains(" outcome=ok "), lines.get(0));
    }

    /** Takes the XML declaration, then fails like a socket whose peer reset the connection. */
    private static final class ClientGoneAfterDeclaration extends OutputStream {
        private boolean declared;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (declared) {
                throw new IOException("connection reset by peer");
            }
            declared = true;
        }
    }

    private static ExternalSystemAdapter adapterCreating(ExternalRecord created) {
        List<String> ignored = new ArrayList<>();
        ExternalSystemAdapter recording = recordingAdapter(ignored);
        return (ExternalSystemAdapter) Proxy.newProxyInstance(CallDispatcherTest.class.getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> method.getName().equals("create")
                        ? created : method.invoke(recording, args));
    }

    /** A call with plain sample values for every component. */
    private static EsaCall sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = sampleValue(types[i]);
        }
        Constructor<?> constructor = type.getDeclaredConstructor(types);
        return (EsaCall) constructor.newInstance(values);
    }

    private static Object sampleValue(Class<?> type) {
        if (type == String.class) {
            return "s";
        }
        if (type == Instant.class) {
            return Instant.parse("2026-11-23T05:46:31Z");
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == ExternalRecord.class) {
            return new ExternalRecord("1", null, List.of());
        }
        throw new IllegalArgumentException("no sample for " + type);
    }

    /** An adapter that records the name of each method called and returns a plausible value. */
    private static ExternalSystemAdapter recordingAdapter(List<String> called) {
        InvocationHandler handler = (proxy, method, args) -> {
            called.add(method.getName());
            Class<?> returns = method.getReturnType();
            if (returns == String.class) {
                return "1.0";
            }
            if (returns == int.class) {
                return 3;
            }
            if (returns == long.class) {
                return 2L;
            }
            if (returns == boolean.class) {
                return true;
            }
            if (method.getName().equals("getStructureList")) {
                return List.of(new ExternalStructure("t", "t", true));
            }
            if (returns == List.class) {
                return List.of();
            }
            if (returns == Instant.class) {
                return Instant.parse("2026-11-23T05:46:31Z");
            }
            if (returns == Cursor.class) {
                return new Cursor("c", CursorType.RECORDS, 0, 10, 0, Instant.parse("2026-11-23T05:46:31Z"));
            }
            if (returns == ExternalRecord.class) {
                return new ExternalRecord("1", Instant.parse("2026-11-23T05:46:31Z"), List.of());
            }
            return null;
        };
        return (ExternalSystemAdapter) Proxy.newProxyInstance(CallDispatcherTest.class.getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, handler);
    }
}
