package org.esabridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.esabridge.api.FieldValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaFileTest {
    private static final Instant T = Instant.parse("2026-11-23T05:46:31.123456Z");

    @TempDir
    Path dir;

    @Test
    void everyValueSurvivesTheFile() throws IOException {
        Replica replica = new Replica();
        Replica.Structure s = replica.structure("con\ttacts");
        s.lastSync(T);
        List<FieldValue> awkward = List.of(new FieldValue("notes", "a\tb\nc\r\\N\\"), new FieldValue("phone", null),
                new FieldValue("empty", ""), new FieldValue("n", "\\N"));
        s.put(new Replica.Stored("1\t2", T, awkward));
        replica.update("con\ttacts", "1\t2", List.of(new FieldValue("phone", "+41")));
        String key = replica.create("con\ttacts", List.of(new FieldValue("name", "x")));
        replica.structure("empty");
        ReplicaFile.save(replica, dir);

        Replica read = ReplicaFile.load(dir);
        Replica.Structure r = read.structure("con\ttacts");
        assertEquals(T, r.lastSync());
        assertEquals(awkward, r.record("1\t2").fields());
        assertEquals(T, r.record("1\t2").lastSeen());
        assertEquals(List.of(new FieldValue("phone", "+41")), r.edits().get("1\t2").fields());
        assertEquals(Replica.EditKind.CREATE, r.edits().get(key).kind());
        assertNull(r.edits().get(key).conflict());
        assertNull(read.structure("empty").lastSync());
        assertEquals(key.equals("new-1") ? "new-2" : "?", read.create("x", List.of()));
    }

    @Test
    void aForeignFileIsRefused() throws IOException {
        Files.writeString(dir.resolve(ReplicaFile.NAME), "something else\n");
        assertThrows(IOException.class, () -> ReplicaFile.load(dir));
    }

    @Test
    void escapesSplitBack() {
        assertEquals(Arrays.asList("a", null, "", "b\tc"), ReplicaFile.split("a\t\\N\t\tb\\tc"));
    }
}
