package org.esabridge.server;

import static org.esabridge.server.EsaServletHttpsTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6 §6: everything a hostile or broken client can send, against the real JdbcAdapter on the demo
 * database over real HTTPS. Each answer has the expected status and fault code and shows nothing of the
 * server's insides; after them all the server still serves and no table changed (CHECKSUM TABLE). One case
 * per kind of input, on one server; the last case checks that nothing changed.
 */
@Tag("database")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputHttpsTest {
    private static final String SCHEMA = "bad_input";
    private static final String OLD = "2000-01-01T00:00:00Z";
    private static final Pattern EXCEPTION = Pattern.compile("<exception type=\"(\\w+)\" code=\"(\\w+)\"");
    /** Leaks beyond those of {@link Responses#assertNoInternals}: SQL, stack frames, class names, paths. */
    private static final Pattern LEAK = Pattern.compile("\\bSELECT\\b|\\bINSERT\\b|\\bWHERE\\b|\\bFROM `|UPDATE `"
            + "|`\\w+` ?=|\\bat [a-z]+\\.|\\.java\\b|(?<!Esa|EsaRecord|EsaRecordDelayed)Exception\\b|\\bjava\\.|\\borg\\."
            + "|/home/|/tmp/|/root/|/work/|/usr/|[A-Za-z]:\\\\|SQLSTATE|MariaDB|mariadb|Hikari");
    /** Identifiers a SQL injection would try, as structure names, field names, ids and cursor ids. */
    private static final String[] NASTY = {"customers`; DROP TABLE customers; --", "customers' OR '1'='1",
            "cust\"omers", "x;SHUTDOWN", "`", "'", "customers;", "🙂"};

    private static TestServer server;
    private static Map<String, String> checksums;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(EndToEndDatabase.demoAdapter(SCHEMA,
                "structure.products.writable", "false", "structure.customers.read-only-columns", "vip"),
                Map.of("external-system-id", "host-1", "max-body-bytes", "65536"));
        checksums = checksums();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Map<String, String> checksums() throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Connection c = EndToEndDatabase.connect(SCHEMA); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("CHECKSUM TABLE customers, products, orders")) {
            while (rs.next()) {
                sums.put(rs.getString(1), rs.getString(2));
            }
        }
        assertEquals(3, sums.size(), sums.toString());
        return sums;
    }

    /** The answer has one of the statuses and codes, is a valid sync document and leaks nothing. */
    private static HttpResponse<String> expect(HttpResponse<String> response, Set<Integer> statuses, Set<String> codes) {
        String body = response.body();
        assertTrue(statuses.contains(response.statusCode()), response.statusCode() + " " + body);
        Responses.assertSyncDocument(response);
        Matcher leak = LEAK.matcher(body);
        if (leak.find()) {
            fail("'" + leak.group() + "' in " + body);
        }
        Matcher fault = EXCEPTION.matcher(body);
        String code = fault.find() ? fault.group(2) : "none";
        assertTrue(codes.contains(code), "code " + code + " not in " + codes + ": " + body);
        return response;
    }

    private static HttpResponse<String> expect(String body, int status, String... codes) throws Exception {
        return expect(server.post(body), Set.of(status), Set.of(codes));
    }

    private static String structureCall(String element, String structure, String extra) {
        return call("1", "<" + element + "><structure>" + xml(structure) + "</structure>" + extra + "</" + element + ">");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\u0000", "");
    }

    @Test
    void notXmlOrXmlThisServerNeverParsesIsMalformed() throws Exception {
        expect("<sync><esa-call call-id=\"1\"><read>", 400, "MALFORMED_REQUEST");
        expect("{\"call\": \"read\"}", 400, "MALFORMED_REQUEST");
        expect("<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<sync><esa-call call-id=\"1\"><read><structure>&x;</structure><id>1</id></read></esa-call></sync>",
                400, "MALFORMED_REQUEST");
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY a0 \"ha\">");
        for (int i = 1; i < 10; i++) {
            bomb.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        expect(bomb.append("]><sync>&a9;</sync>").toString(), 400, "MALFORMED_REQUEST");
        String deep = "<x>".repeat(500) + "</x>".repeat(500);
        expect(server.post(call("1", "<read><structure>customers</structure><id>" + deep + "</id></read>")),
                Set.of(200, 400), Set.of("MALFORMED_REQUEST"));
        expect("<sync><esa-call call-id=\"" + "9".repeat(5_000) + "\"><getStructureList/></esa-call></sync>",
                400, "MALFORMED_REQUEST");
    }

    @Test
    void aBodyOverTheLimitIsTooLarge() throws Exception {
        expect(call("1", "<read><structure>customers</structure><id>" + "1".repeat(70_000) + "</id></read>"),
                413, "TOO_LARGE");
    }

    @Test
    void aWrongMethodIs405AndAWrongContentTypeIs415() throws Exception {
        // The body is not read, so the server will not read on after the answer: the answer must say so, or a
        // client that keeps the connection sends its next request into a closed one (issue 25 §8).
        for (String method : new String[] {"GET", "PUT", "DELETE"}) {
            closing(expect(server.send(HttpRequest.newBuilder(server.esa()).header("Content-Type", "application/xml")
                    .method(method, HttpRequest.BodyPublishers.ofString(call("1", "<getStructureList/>")))),
                    Set.of(405), Set.of("NOT_SUPPORTED")));
        }
        for (String type : new String[] {"text/plain", "application/json", "application/xml; charset=UTF-16",
                "multipart/form-data; boundary=x"}) {
            closing(expect(server.send(HttpRequest.newBuilder(server.esa()).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(call("1", "<getStructureList/>")))),
                    Set.of(415), Set.of("MALFORMED_REQUEST")));
        }
    }

    private static void closing(HttpResponse<String> response) {
        assertEquals("close", response.headers().firstValue("Connection").orElse("(none)"),
                response.statusCode() + " " + response.headers().map());
    }

    @Test
    void anUnknownCallOrAStrayChildIsRefused() throws Exception {
        expect(call("1", "<dropDatabase/>"), 200, "UNKNOWN_CALL");
        expect(call("1", "<getStructureList><structure>x</structure></getStructureList>"), 200, "INVALID_VALUE");
    }

    @Test
    void structureAndFieldNamesThatLookLikeSqlAreUnknown() throws Exception {
        for (String name : NASTY) {
            expect(structureCall("getFieldList", name, ""), 200, "UNKNOWN_STRUCTURE", "MALFORMED_REQUEST");
            expect(structureCall("getModified", name, "<after>" + OLD + "</after>"), 200, "UNKNOWN_STRUCTURE",
                    "MALFORMED_REQUEST");
            expect(structureCall("read", name, "<id>1</id>"), 200, "UNKNOWN_STRUCTURE", "MALFORMED_REQUEST");
            expect(structureCall("create", name, "<record><field name=\"name\">x</field></record>"), 200,
                    "UNKNOWN_STRUCTURE", "MALFORMED_REQUEST");
            expect(structureCall("create", "customers", "<record><field name=\"name\">x</field><field name=\""
                    + xml(name).replace("\"", "&quot;") + "\">1</field></record>"), 200, "UNKNOWN_FIELD",
                    "MALFORMED_REQUEST");
            expect(structureCall("update", "customers", "<last-seen>" + OLD + "</last-seen><record><id>1</id>"
                    + "<field name=\"" + xml(name).replace("\"", "&quot;") + "\">1</field></record>"), 200,
                    "UNKNOWN_FIELD", "MALFORMED_REQUEST");
        }
    }

    @Test
    void idsAndCursorIdsThatLookLikeSqlAreNeverFoundNorExecuted() throws Exception {
        for (String name : NASTY) {
            // An old last-seen keeps a real id safe too.
            expect(structureCall("read", "customers", "<id>" + xml(name) + "</id>"), 200, "RECORD_NOT_FOUND",
                    "INVALID_VALUE", "MALFORMED_REQUEST");
            expect(structureCall("delete", "customers", "<last-seen>" + OLD + "</last-seen><id>" + xml(name) + "</id>"),
                    200, "none", "RECORD_NOT_FOUND", "INVALID_VALUE", "RECORD_MODIFIED", "MALFORMED_REQUEST");
            expect(call("1", "<readDataPage><cursor-id>" + xml(name) + "</cursor-id><page-index>0</page-index>"
                    + "</readDataPage>"), 200, "CURSOR_NOT_FOUND", "MALFORMED_REQUEST");
            expect(call("1", "<closeCursor><cursor-id>" + xml(name) + "</cursor-id></closeCursor>"), 200, "none",
                    "MALFORMED_REQUEST");
            expect(structureCall("countRange", "customers", "<min-id>" + xml(name) + "</min-id><max-id>9</max-id>"),
                    200, "none", "INVALID_VALUE", "MALFORMED_REQUEST");
        }
    }

    @Test
    void aReadOnlyStructureAndAReadOnlyColumnAreEnforcedByTheAdapter() throws Exception {
        expect(structureCall("create", "products", "<record><field name=\"sku\">X-1</field><field name=\"name\">x"
                + "</field><field name=\"price\">1.00</field></record>"), 200, "READ_ONLY");
        expect(structureCall("update", "customers", "<last-seen>2999-01-01T00:00:00Z</last-seen><record><id>1</id>"
                + "<field name=\"vip\">false</field></record>"), 200, "READ_ONLY");
    }

    @Test
    void timestampsNumbersDatesAndLengthsThatDoNotParseAreInvalid() throws Exception {
        for (String time : new String[] {"yesterday", "2026-13-45T99:99:99Z", "", "1e9", "2026-01-01T00:00:00+99:00"}) {
            expect(structureCall("getModified", "customers", "<after>" + time + "</after>"), 200, "INVALID_VALUE",
                    "MALFORMED_REQUEST");
            expect(structureCall("delete", "customers", "<last-seen>" + time + "</last-seen><id>1</id>"), 200,
                    "INVALID_VALUE", "MALFORMED_REQUEST");
        }
        expect(structureCall("create", "customers", "<record><field name=\"name\">Robert'); DROP TABLE customers;--"
                + "</field><field name=\"phone\">" + "9".repeat(41) + "</field></record>"), 200, "INVALID_VALUE");
        expect(structureCall("create", "orders", "<record><field name=\"customer_id\">one</field>"
                + "<field name=\"product_sku\">A-1</field><field name=\"ordered_on\">2026-02-30</field></record>"),
                200, "INVALID_VALUE");
        expect(structureCall("countRange", "customers", "<min-id>-99999999999999999999999</min-id>"
                + "<max-id>1e400</max-id>"), 200, "none", "INVALID_VALUE");
    }

    @Test
    void pageIndexesNegativePastTheEndOrPastALongAreRefused() throws Exception {
        HttpResponse<String> paged = expect(structureCall("getModifiedPaged", "customers", "<after>" + OLD + "</after>"),
                200, "none");
        Matcher cursor = Pattern.compile("<cursor-id>([^<]+)</cursor-id>").matcher(paged.body());
        assertTrue(cursor.find(), paged.body());
        String cursorId = cursor.group(1);
        for (String page : new String[] {"-1", "1000000", "9223372036854775807", "99999999999999999999", "x", ""}) {
            expect(call("1", "<readDataPage><cursor-id>" + cursorId + "</cursor-id><page-index>" + page
                    + "</page-index></readDataPage>"), 200, "PAGE_OUT_OF_RANGE", "INVALID_VALUE", "MALFORMED_REQUEST");
        }
        expect(call("1", "<closeCursor><cursor-id>" + cursorId + "</cursor-id></closeCursor>"), 200, "none");
    }

    @Test
    void missingOrForgedCredentialsAre401AndAnotherHostsIdIs403() throws Exception {
        expect(server.sendAsIs(HttpRequest.newBuilder(server.esa()).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(call("1", "<getStructureList/>")))), Set.of(401),
                Set.of("UNAUTHORIZED"));
        expect(server.sendAsIs(HttpRequest.newBuilder(server.esa()).header("Content-Type", "application/xml")
                .header("Authorization", "Bearer ' OR '1'='1")
                .POST(HttpRequest.BodyPublishers.ofString(call("1", "<getStructureList/>")))), Set.of(401),
                Set.of("UNAUTHORIZED"));
        expect(call("1", "<startSync><external-system-id>intruder</external-system-id></startSync>"), 403,
                "UNAUTHORIZED");
        expect(call("1", "<configure><external-system-id>host-1' OR 1=1</external-system-id><force>true</force>"
                + "</configure>"), 403, "UNAUTHORIZED");
    }

    /** Last, after every bad input above: the server still serves and no table changed. */
    @Test
    @Order(Integer.MAX_VALUE)
    void afterwardsTheServerStillServesAndNoTableChanged() throws Exception {
        expect(call("2", "<startSync><external-system-id>host-1</external-system-id></startSync>"), 200, "none");
        HttpResponse<String> modified = expect(structureCall("getModified", "customers", "<after>" + OLD + "</after>"),
                200, "none");
        assertEquals(3, modified.body().split("<record>", -1).length - 1, modified.body());
        assertFalse(modified.body().contains("Robert"), modified.body());
        assertEquals(checksums, checksums());
    }
}
