package org.esabridge.api.xml;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import com.ctc.wstx.stax.WstxOutputFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;

/**
 * The Woodstox factories for the hot paths: every writer, and the host's streaming read of results. The
 * JDK's writer escapes char by char and its reader counts every event against its own limits; together
 * they were half of a sync's CPU. Woodstox is named here, not found by service lookup, so what runs is
 * what was tested; the server's request parser ({@link BoundedXmlParser}) stays on the JDK's.
 *
 * <p>Configured factories are thread-safe (Woodstox copies the configuration into each reader or writer).
 */
final class Stax {
    private Stax() {
    }

    static XMLOutputFactory outputFactory() {
        XMLOutputFactory factory = new WstxOutputFactory();
        factory.setProperty(XMLOutputFactory.IS_REPAIRING_NAMESPACES, false);
        return factory;
    }

    /**
     * A reader factory hardened as {@link BoundedXmlParser}'s: no DTD, no external entities, no entity
     * expansion; the caller refuses DTD and ENTITY_REFERENCE events. Woodstox's own bounds sit just above
     * {@code limits}, so the caller's checks give the message and the parser never buffers far more text
     * than a limit allows (it reads a whole text segment before the caller sees any of it).
     */
    static XMLInputFactory resultInputFactory(XmlLimits limits) {
        XMLInputFactory factory = new WstxInputFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not read");
        });
        factory.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, above(limits.maxDepth()));
        factory.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, above(limits.maxAttributeLength()));
        factory.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, above(limits.maxTextLength()));
        return factory;
    }

    /**
     * Whether Woodstox refused a text segment longer than its bound: one segment far over the caller's limit reaches
     * that bound before the caller sees any of it, and must be named as too long, not as XML that is not well-formed.
     */
    static boolean exceedsTextLimit(XMLStreamException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Text size limit (");
    }

    private static int above(int limit) {
        return limit >= Integer.MAX_VALUE - 1024 ? Integer.MAX_VALUE : limit + 1024;
    }
}
