package org.esabridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.esabridge.api.xml.SyncSchema;

/** Assertions on answers of the ESA endpoint. */
final class Responses {

    private static final Pattern EXCEPTION = Pattern.compile("<exception type=\"(\\w+)\" code=\"(\\w+)\"");
    private static final Pattern JAVA_EXCEPTION_NAME = Pattern.compile("\\b(?!Esa)[A-Z]\\w*(Exception|Error)\\b");
    private static final List<String> INTERNALS = List.of("org.", "java.", "javax.", "jakarta.", "\tat ", "SELECT ",
            "INSERT ", "UPDATE ", "/var/", "password", "jetty", "Jetty");

    private Responses() {
    }

    /** The status, a {@code <sync>} fault document valid against sync.xsd with this code, nothing internal. */
    static void assertFault(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertSyncDocument(response);
        Matcher matcher = EXCEPTION.matcher(response.body());
        if (!matcher.find()) {
            fail("no <exception> in " + response.body());
        }
        assertEquals(code, matcher.group(2), response.body());
    }

    /** An XML answer valid against sync.xsd that shows nothing of the server's insides. */
    static void assertSyncDocument(HttpResponse<String> response) {
        assertEquals("application/xml;charset=utf-8",
                response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(),
                "Content-Type");
        assertEquals(List.of(), SyncSchema.errors(response.body().getBytes(StandardCharsets.UTF_8)), response.body());
        assertNoInternals(response.body());
    }

    static void assertNoInternals(String body) {
        assertFalse(JAVA_EXCEPTION_NAME.matcher(body).find(), () -> "a class name in " + body);
        for (String internal : INTERNALS) {
            assertFalse(body.contains(internal), () -> "'" + internal + "' in " + body);
        }
    }

    /** A 200 result without exception. */
    static void assertResult(HttpResponse<String> response, String callId) {
        assertEquals(200, response.statusCode(), response.body());
        assertSyncDocument(response);
        assertTrue(response.body().contains("<result response-to=\"" + callId + "\""), response.body());
        assertFalse(response.body().contains("<exception"), response.body());
    }
}
