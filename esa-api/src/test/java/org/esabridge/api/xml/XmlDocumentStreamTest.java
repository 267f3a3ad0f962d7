package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.call.EsaCall;
import org.junit.jupiter.api.Test;

class XmlDocumentStreamTest {

    private static XmlDocumentStream of(String text) {
        return new XmlDocumentStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(InputStream document) throws IOException {
        return new String(document.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void consecutiveDocumentsWithAndWithoutDeclarationAndAnyWhiteSpaceBetween() throws IOException {
        String first = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync><esa-call call-id=\"1\"><getCurrentTime/></esa-call></sync>";
        String second = "<sync a='x>y' b=\"</sync>\"><!-- </sync> --><esa-call call-id=\"2\"><![CDATA[</sync>]]>"
                + "<?pi </sync>?></esa-call ></sync>";
        String third = "\uFEFF<sync/>";
        XmlDocumentStream documents = of("\n \t" + first + "\r\n\r\n" + second + third + "\n\n");
        assertEquals(first, text(documents.next()));
        assertEquals(second, text(documents.next()));
        assertEquals(third, text(documents.next()));
        assertNull(documents.next());
        assertFalse(documents.broken());
    }

    @Test
    void eachDocumentIsReadByTheHardenedReader() throws Exception {
        XmlDocumentStream documents = of("<sync><esa-call call-id=\"1\"><getCurrentTime/></esa-call></sync>"
                + "<?xml version=\"1.0\"?><sync><esa-call call-id=\"2\"><release/></esa-call></sync>");
        EsaCallReader reader = new EsaCallReader(XmlLimits.defaults());
        assertTrue(reader.read(documents.next()).call() instanceof EsaCall.GetCurrentTime);
        assertTrue(reader.read(documents.next()).call() instanceof EsaCall.Release);
        assertNull(documents.next());
    }

    @Test
    void aDocumentWithADoctypeEndsAfterItsRootAndTheReaderRefusesIt() throws Exception {
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE sync [<!ENTITY x \"<y>\">]><sync>&x;</sync>";
        XmlDocumentStream documents = of(doctype + "<sync/>");
        assertEquals(doctype, text(documents.next()));
        EsaRequestException refused = assertThrows(EsaRequestException.class,
                () -> new EsaCallReader(XmlLimits.defaults()).read(of(doctype).next()));
        assertEquals("a DOCTYPE is not accepted", refused.getMessage());
        assertEquals("<sync/>", text(documents.next()));
    }

    @Test
    void neverReadsPastTheRootElementsEndTag() throws IOException {
        byte[] first = "<sync><a/></sync>".getBytes(StandardCharsets.UTF_8);
        InputStream nothingMore = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read past the end of the document: a waiting peer would hang here");
            }
        };
        XmlDocumentStream documents = new XmlDocumentStream(new SequenceInputStream(new ByteArrayInputStream(first),
                nothingMore));
        assertEquals("<sync><a/></sync>", text(documents.next()));
    }

    @Test
    void aMismatchedEndTagEndsTheDocumentThereAndBreaksTheStream() throws IOException {
        XmlDocumentStream documents = of("<sync><esa-call call-id=\"1\"><getStructureList></esa-call></sync><sync/>");
        assertEquals("<sync><esa-call call-id=\"1\"><getStructureList></esa-call>", text(documents.next()));
        assertTrue(documents.broken());
        assertThrows(IOException.class, documents::next);
    }

    @Test
    void inputEndingInsideADocumentBreaksTheStreamAndTheReaderRefusesIt() throws IOException {
        XmlDocumentStream documents = of("<sync><esa-call call-id=\"1\"><getCurr");
        EsaRequestException refused = assertThrows(EsaRequestException.class,
                () -> new EsaCallReader(XmlLimits.defaults()).read(documents.next()));
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused.code());
        assertTrue(documents.broken());
    }

    @Test
    void textOutsideADocumentBreaksTheStream() throws IOException {
        XmlDocumentStream documents = of("<sync/> junk <sync/>");
        assertEquals("<sync/>", text(documents.next()));
        assertEquals("j", text(documents.next()));
        assertTrue(documents.broken());
    }

    @Test
    void aCallerThatStopsEarlyGetsTheNextDocumentNonetheless() throws IOException {
        XmlDocumentStream documents = of("<sync><a>text</a></sync><sync><b/></sync>");
        assertEquals('<', documents.next().read());
        assertEquals("<sync><b/></sync>", text(documents.next()));
    }
}
