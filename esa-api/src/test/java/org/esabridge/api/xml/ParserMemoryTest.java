package org.esabridge.api.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 §8: what one request keeps while it is parsed is bounded by what the protocol reads, not by what an
 * attacker sends: an element carries at most a few attributes, and attributes the protocol does not define are
 * not kept at all.
 */
class ParserMemoryTest {
    private static final XmlLimits LIMITS = new XmlLimits(32, 1_000_000, 1024, 1_048_576);

    @Test
    void anElementWithMoreAttributesThanTheLimitIsRefused() {
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i <= BoundedXmlParser.MAX_ATTRIBUTES_PER_ELEMENT; i++) {
            attributes.append(" a").append(i).append("=\"\"");
        }
        byte[] body = ("<sync><esa-call call-id=\"1\"" + attributes + "><getStructureList/></esa-call></sync>")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(BoundedXmlParser.Refusal.class, () -> new BoundedXmlParser(LIMITS).parse(new ByteArrayInputStream(body)));
    }

    @Test
    void tenMegabytesOfJunkAttributesKeepNoneOfThem() throws Exception {
        StringBuilder body = new StringBuilder("<sync><esa-call call-id=\"1\"><getStructureList>");
        String junk = "<x a=\"\" b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\"/>";
        while (body.length() < 10 * 1024 * 1024) {
            body.append(junk);
        }
        body.append("</getStructureList></esa-call></sync>");
        XmlNode root = new BoundedXmlParser(LIMITS).parse(
                new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)));

        long kept = 0;
        long elements = 0;
        Deque<XmlNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            XmlNode node = todo.pop();
            elements++;
            kept += node.attributes.size();
            node.children.forEach(todo::push);
        }
        assertTrue(elements > 250_000, elements + " elements");
        assertEquals(1, kept, "only call-id is kept");
        assertEquals(Map.of("call-id", "1"), root.children.get(0).attributes);
    }
}
