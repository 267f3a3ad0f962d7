package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Delete strategy {@code helper} end to end: a real MariaDB, the real HTTP client built from the settings,
 * and MockWebServer as the host answering {@code enumerateKnownIDs}.
 */
@Tag("database")
class HelperDeleteStrategyTest {
    private static final String DB = "esa_helper_delete_test";
    private static final Pattern KNOWN_BEFORE = Pattern.compile("<known-before>([^<]+)</known-before>");
    private static HelperHost host;
    private static JdbcAdapter adapter;

    @BeforeAll
    static void start() throws Exception {
        TestDatabase.freshSchema(DB);
        String mod = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";
        TestDatabase.exec(DB,
                "CREATE TABLE contacts (id INT PRIMARY KEY, name VARCHAR(20)," + mod + ")",
                "CREATE TABLE pairs (a VARCHAR(10), b INT," + mod + ", PRIMARY KEY (a, b))",
                "CREATE TABLE big (id INT PRIMARY KEY," + mod + ")");
        host = new HelperHost();
        adapter = JdbcAdapter.start(JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB,
                "helper-url", host.url(), "external-system-id", "esa-bridge-1", "helper-token", "t0ken",
                "inline-threshold", "700",
                "structure.contacts.delete-strategy", "helper",
                "structure.pairs.delete-strategy", "helper",
                "structure.big.delete-strategy", "helper"), null));
    }

    @AfterAll
    static void stop() throws Exception {
        adapter.close();
        host.close();
    }

    @BeforeEach
    void clearRequests() {
        host.requests.clear();
    }

    private static List<String> deleted(String structure) throws Exception {
        RecordingResultHandler sink = new RecordingResultHandler();
        assertTrue(adapter.getDeleted(structure, Instant.parse("2026-01-01T00:00:00Z"), sink));
        return sink.ids();
    }

    @Test
    void answersExactlyTheKnownIdsNoLongerInTheTable() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO contacts (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')",
                "DELETE FROM contacts WHERE id IN (2, 4)");
        host.answer("enumerateKnownIDs", "<id>1</id><id>2</id><id>3</id><id>4</id><id>5</id><id>1042</id><id>a/b c</id>");
        Instant before = adapter.getCurrentTime();

        List<String> deleted = deleted("contacts");

        // 1042 was never here and "a/b c" cannot be an INT key: neither is in the table, so both are gone.
        assertEquals(List.of("2", "4", "1042", "a/b c"), deleted);
        List<String> sent = host.requests("enumerateKnownIDs");
        assertEquals(1, sent.size());
        String request = sent.get(0);
        assertTrue(request.contains("<external-system-id>esa-bridge-1</external-system-id>"), request);
        assertTrue(request.contains("<structure>contacts</structure>"), request);
        Matcher knownBefore = KNOWN_BEFORE.matcher(request);
        assertTrue(knownBefore.find(), request);
        Instant sentTime = Instant.parse(knownBefore.group(1));
        // the database's clock at the call, not the host's after: every id the host knows is checked
        assertTrue(!sentTime.isBefore(before) && !sentTime.isAfter(adapter.getCurrentTime()), sentTime.toString());
        assertEquals("Bearer t0ken", host.server.takeRequest().getHeaders().get("Authorization"));
    }

    @Test
    void compositeIdsUseTheRecordIdEncoding() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO pairs (a, b) VALUES ('x,y', 1), ('50%', 2), ('k', 3)",
                "DELETE FROM pairs WHERE a = 'k'");
        host.answer("enumerateKnownIDs", "<id>x%2Cy,1</id><id>50%25,2</id><id>k,3</id><id>x%2Cy,2</id><id>bad</id>");

        assertEquals(List.of("k,3", "x%2Cy,2", "bad"), deleted("pairs"));
    }

    @Test
    void checksManyIdsInBatchesAndRefusesMoreThanTheInlineThreshold() throws Exception {
        TestDatabase.exec(DB, "INSERT INTO big (id) SELECT seq FROM seq_1_to_1500");
        String known = IntStream.rangeClosed(1, 2000).mapToObj(i -> "<id>" + i + "</id>").collect(Collectors.joining());
        host.answer("enumerateKnownIDs", known);

        List<String> deleted = deleted("big");
        assertEquals(IntStream.rangeClosed(1501, 2000).mapToObj(String::valueOf).toList(), deleted);

        TestDatabase.exec(DB, "DELETE FROM big WHERE id <= 300");
        EsaException tooMany = assertThrows(EsaException.class, () -> deleted("big"));
        assertEquals(ErrorCode.NOT_SUPPORTED, tooMany.code());
        EsaException paged = assertThrows(EsaException.class,
                () -> adapter.getDeletedPaged(new Session("host"), "big", Instant.EPOCH));
        assertEquals(ErrorCode.NOT_SUPPORTED, paged.code());
    }

    @Test
    void aHostFaultFailsTheCallWithNothingAnswered() throws Exception {
        host.status("enumerateKnownIDs", 500);
        try {
            RecordingResultHandler sink = new RecordingResultHandler();
            assertThrows(EsaException.class, () -> adapter.getDeleted("contacts", Instant.EPOCH, sink));
            assertEquals(List.of(), sink.ids());
        } finally {
            host.status("enumerateKnownIDs", 200);
        }
    }
}
