package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4, against the real JdbcAdapter over real HTTPS: XML 1.1 smuggled {@code &#1;}/{@code &#27;}
 * into values and the call id, committed a value no answer could carry back and answered 500 without an
 * audit line. Now such documents are 400, such values INVALID_VALUE (audited, not stored), and a call id is
 * logged encoded.
 */
@Tag("database")
class ControlCharactersHttpsTest {
    private static final String SCHEMA = "control_characters";

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(EndToEndDatabase.demoAdapter(SCHEMA), Map.of("external-system-id", "host-1"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static long customersNamed(String prefix) throws Exception {
        try (Connection c = EndToEndDatabase.connect(SCHEMA);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM customers WHERE name LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void xml11DocumentIsRefused400AndNothingIsStored() throws Exception {
        String create = "<create><structure>customers</structure><record><field name=\"name\">Smuggled&#1;&#27;[2J"
                + "</field></record></create>";
        HttpResponse<String> response = server.post("<?xml version=\"1.1\" encoding=\"UTF-8\"?><sync>"
                + "<esa-call call-id=\"41\">" + create + "</esa-call></sync>");
        Responses.assertFault(response, 400, "MALFORMED_REQUEST");
        response = server.post("<?xml version=\"1.1\"?><sync><esa-call call-id=\"42&#27;[2J&#1;\">" + create
                + "</esa-call></sync>");
        Responses.assertFault(response, 400, "MALFORMED_REQUEST");
        assertEquals(0, customersNamed("Smuggled"));
    }

    @Test
    void documentInAnotherEncodingIsRefused400() throws Exception {
        HttpResponse<String> response = server.post("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                + "<sync><esa-call call-id=\"43\"><getStructureList/></esa-call></sync>");
        Responses.assertFault(response, 400, "MALFORMED_REQUEST");
    }

    /** XML 1.0 carries DEL and the C1 controls; they are refused at the adapter, so the write is audited. */
    @Test
    void controlCharacterInAFieldValueIsInvalidAuditedAndNotStored() throws Exception {
        HttpResponse<String> response = server.post(call("44", "<create><structure>customers</structure><record>"
                + "<field name=\"name\">Csi&#x9B;2J</field></record></create>"));
        Responses.assertFault(response, 200, "INVALID_VALUE");
        assertTrue(response.body().contains("response-to=\"44\""), response.body());
        assertTrue(response.body().contains("name"), "the fault names the field: " + response.body());
        assertEquals(0, customersNamed("Csi"));
        String audit = Files.readString(server.server().auditLog());
        assertTrue(audit.contains("call=create principal=token remote=127.0.0.1 call-id=44 structure=customers id=- "
                + "outcome=INVALID_VALUE"), audit);
    }

    /**
     * An id is looked up by any value its column can hold (esa-protocol.md §3): a C1 control in a key another writer
     * stored is found, and a missing one is simply not there. Creating a record under such an id is refused.
     */
    @Test
    void controlCharacterInAnIdIsLookedUpNeverStoredAnewAndAudited() throws Exception {
        HttpResponse<String> response = server.post(call("45", "<read><structure>products</structure>"
                + "<id>BOOK-001&#x85;</id></read>"));
        Responses.assertFault(response, 200, "RECORD_NOT_FOUND");
        response = server.post(call("47", "<create><structure>products</structure><record><id>BOOK-001&#x85;</id>"
                + "<field name=\"name\">Bell</field><field name=\"price\">1.00</field></record></create>"));
        Responses.assertFault(response, 200, "INVALID_VALUE");
        String audit = Files.readString(server.server().auditLog());
        assertTrue(audit.contains("call=create principal=token remote=127.0.0.1 call-id=47 structure=products"
                + " id=BOOK-001%c2%85 outcome=INVALID_VALUE"), audit);
    }

    /**
     * Issue 25: a row another writer gave a form feed no longer blocks the structure. getModified answers the
     * other records (a valid document), leaves that one out and counts it; read of it alone is INVALID_VALUE.
     */
    @Test
    void aRowXmlCannotCarryIsLeftOutOfGetModifiedAndTheOthersAreAnswered() throws Exception {
        EndToEndDatabase.exec(SCHEMA, "INSERT INTO customers (id, name, notes) VALUES (95, 'Paste', CONCAT('a', CHAR(12)))",
                "INSERT INTO customers (id, name) VALUES (96, 'After')");
        String getModified = "<getModified><structure>customers</structure><after>2000-01-01T00:00:00Z</after></getModified>";
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> response;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            response = server.post(call("48", getModified));
            server.post(call("49", getModified));
        } finally {
            System.setErr(err);
        }
        Responses.assertResult(response, "48");
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("WARN") && l.contains("record 95 of table customers left out of the answer"))
                .toList();
        assertEquals(1, warnings.size(), "one warning per change, not per read: " + warnings);
        assertTrue(warnings.get(0).contains("field notes"), warnings.get(0));
        assertTrue(response.body().contains("<id>96</id>") && response.body().contains("<id>1</id>"), response.body());
        assertFalse(response.body().contains("<id>95</id>"), response.body());
        assertFalse(response.body().contains("<exception"), response.body());
        String metrics = server.send(java.net.http.HttpRequest.newBuilder(
                server.server().httpsUri(EsaServer.METRICS_PATH))).body();
        assertTrue(metrics.matches("(?s).*\\nesa_unwritable_left_out_total(\\{[^}]*})? [1-9].*"), metrics);
    }

    /** A value stored behind the ESA's back cannot be written in XML; the warning names the call id encoded. */
    @Test
    void callIdInTheServersWarningIsEncoded() throws Exception {
        EndToEndDatabase.exec(SCHEMA, "INSERT INTO customers (id, name) VALUES (90, CONCAT('Bell', CHAR(7)))");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> response;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            response = server.post(call("46 outcome=ok", "<read><structure>customers</structure><id>90</id></read>"));
        } finally {
            System.setErr(err);
        }
        Responses.assertFault(response, 200, "INVALID_VALUE");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("46%20outcome%3dok"), log);
        assertFalse(log.contains("46 outcome=ok"), log);
    }

    /**
     * An id read from the database cannot forge a log line: the warning about the record's unwritable value quotes
     * the id with its line break encoded.
     */
    @Test
    void anIdFromTheDatabaseCannotStartALogLine() throws Exception {
        EndToEndDatabase.exec(SCHEMA, "INSERT INTO products (sku, name, price) VALUES (CONCAT('P9', CHAR(13), CHAR(10),"
                + " 'ERROR FORGED'), CONCAT('Bell', CHAR(7)), 1)");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> response;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            response = server.post(call("47", "<read><structure>products</structure><id>P9&#13;&#10;ERROR FORGED</id>"
                    + "</read>"));
        } finally {
            System.setErr(err);
        }
        Responses.assertFault(response, 200, "INVALID_VALUE");
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("record P9%0d%0aERROR FORGED"), log);
        assertFalse(log.lines().anyMatch(line -> line.startsWith("ERROR FORGED")), log);
    }
}
