package org.esabridge.jdbc.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordIdTest {
    @Test
    void compositeIdsRoundTripWhateverTheValuesHold() {
        for (List<String> parts : List.of(List.of("a", "b"), List.of("a,b", "c"), List.of("%2C", ","),
                List.of("", ""), List.of("50%", "%%,,"), List.of("😀,𝄞", "x", "%25"))) {
            String id = RecordId.encode(parts);
            assertEquals(parts, RecordId.decode(id, parts.size()), id);
        }
        assertEquals("a%2Cb,50%25", RecordId.encode(List.of("a,b", "50%")));
    }

    @Test
    void singleColumnIdsArePlain() {
        assertEquals("a,b%", RecordId.encode(List.of("a,b%")));
        assertEquals(List.of("a,b%"), RecordId.decode("a,b%", 1));
    }

    @Test
    void malformedIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordId.decode("a,b,c", 2));
        assertThrows(IllegalArgumentException.class, () -> RecordId.decode("a", 2));
        assertThrows(IllegalArgumentException.class, () -> RecordId.decode("a%,b", 2));
    }
}
