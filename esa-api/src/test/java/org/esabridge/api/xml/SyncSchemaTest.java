package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** sync.xsd rejects what the protocol page does not allow, so that "validates" in other tests means something. */
class SyncSchemaTest {
    private static final String SYNC = "<sync xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";

    @ParameterizedTest
    @ValueSource(strings = {
        "<result response-to=\"1\"><nullValue>false</nullValue></result>",
        "<result response-to=\"1\"><value>1</value><id>2</id></result>",
        "<result response-to=\"1\"><exception type=\"EsaException\" code=\"INTERNAL\"><message>x</message>"
                + "</exception><value>1</value></result>",
        "<result response-to=\"1\"><exception type=\"EsaException\" code=\"OOPS\"><message>x</message>"
                + "</exception></result>",
        "<result response-to=\"1\"><exception type=\"RuntimeException\" code=\"INTERNAL\"><message>x</message>"
                + "</exception></result>",
        "<result response-to=\"1\"><cursor><cursor-id>c</cursor-id><type>ROWS</type><page-count>1</page-count>"
                + "<page-size>1</page-size><total>1</total><expires-at>2026-11-23T00:00:00Z</expires-at></cursor></result>",
        "<result response-to=\"1\"><record><modified-at>yesterday</modified-at></record></result>",
        "<result response-to=\"1\"><record><field>no name</field></record></result>",
        "<result response-to=\"1\"><field><name>a</name><label>A</label><type>BLOB</type><required>true</required>"
                + "<read-only>false</read-only></field></result>",
        "<esa-call call-id=\"1\"><getModified><structure>s</structure></getModified></esa-call>",
        "<esa-call call-id=\"1\"><readDataPage><cursor-id>c</cursor-id><page-index>-1</page-index></readDataPage>"
                + "</esa-call>",
        "<esa-call call-id=\"1\"><dropTable/></esa-call>",
        "<esa-call><endSync/></esa-call>",
        "<api-call call-id=\"1\"><startSync><external-system-id>e</external-system-id></startSync></api-call>",
        "<esa-call call-id=\"1\"><endSync/></esa-call><result response-to=\"1\"/>",
    })
    void documentsOutsideTheProtocolAreRejected(String body) {
        byte[] document = Docs.bytes(Docs.PROLOG + SYNC + body + "</sync>");
        List<String> errors = SyncSchema.errors(document);
        assertFalse(errors.isEmpty(), body);
        EsaException e = assertThrows(EsaException.class, () -> SyncSchema.validate(document));
        assertEquals(ErrorCode.MALFORMED_REQUEST, e.code());
    }
}
