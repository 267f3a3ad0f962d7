package org.esabridge.jdbc.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.Session;
import org.esabridge.api.xml.RecordingResultHandler;
import org.esabridge.jdbc.JdbcAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Dates only PostgreSQL holds — before the common era, after 9999, ±infinity — as values and as ids: read in
 * PostgreSQL's own text, written back unchanged as the same day, and a deleted one's id spelled as a read spells it.
 * Before, {@code 0044-03-15 BC} was read as {@code 0044-03-15} and an unchanged update stored that day of the common
 * era; {@code 12345-06-07} was cut to {@code 12345-06-0}; {@code infinity} could not be written back.
 */
@Tag("database")
class PgOwnDatesTest {
    private static final String DB = "esa_pg_own_dates_test";
    private static final Session HOST = new Session("host");

    @Test
    void datesOnlyPostgresqlHoldsReadWriteBackAndAreDeletedAsTheyAreRead() throws Exception {
        TestPostgres.freshDatabase(DB);
        TestPostgres.exec(DB, "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN NEW.modified := now(); END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TABLE dated (day date PRIMARY KEY, v date, modified timestamptz NOT NULL DEFAULT now())",
                "CREATE TRIGGER dated_stamp BEFORE UPDATE ON dated FOR EACH ROW EXECUTE FUNCTION stamp()",
                "INSERT INTO dated (day, v) VALUES ('0044-03-15 BC', '4713-01-01 BC'), ('2024-02-29', 'infinity'),"
                        + " ('12345-06-07', '-infinity')");
        List<String> stored = stored();
        try (JdbcAdapter adapter = TestPostgres.adapter(DB, "change-capture", "polling",
                "structure.dated.writable", "true")) {
            RecordingResultHandler all = new RecordingResultHandler();
            adapter.getModified("dated", Instant.EPOCH, all);
            List<String> read = new ArrayList<>();
            for (ExternalRecord r : all.records()) {
                read.add(r.id() + " " + r.field("v").text());
            }
            assertEquals(List.of("0044-03-15 BC 4713-01-01 BC", "12345-06-07 -infinity", "2024-02-29 infinity"),
                    read.stream().sorted().toList());

            for (ExternalRecord r : all.records()) {
                ExternalRecord again = adapter.read("dated", r.id());
                adapter.update(HOST, "dated", again.modifiedAt(), new ExternalRecord(again.id(), null, again.fields()));
            }
            assertEquals(stored, stored(), "written back unchanged: the same days");

            Instant before = adapter.getCurrentTime();
            TestPostgres.exec(DB, "DELETE FROM dated WHERE day < '0001-01-01'");
            RecordingResultHandler deleted = new RecordingResultHandler();
            adapter.getDeleted("dated", before, deleted);
            assertEquals(List.of("0044-03-15 BC"), deleted.ids());
        }
    }

    private static List<String> stored() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = TestPostgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT day::text || ' ' || v::text FROM dated ORDER BY day")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
