package org.esabridge.api.xml;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a whole protocol document into {@link XmlNode}s with the JDK's own StAX parser, hardened: no DTD,
 * no external entities, no entity expansion, a DOCTYPE refused as soon as it is seen (so an entity bomb
 * is never expanded), XML 1.0 in UTF-8 only, and the {@link XmlLimits} checked at every event before
 * anything is kept.
 *
 * <p>Protocol documents are small except for record fields, which the call needs whole anyway, so a tree
 * keeps the readers simple (children in any order) without holding more than the limits allow.
 */
final class BoundedXmlParser {

    /** Why a document was refused; the message is safe to show to the client. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Attributes one element may carry; protocol elements carry one at most. The JDK parser stops at this many
     * while scanning, before building anything of them.
     */
    static final int MAX_ATTRIBUTES_PER_ELEMENT = 8;
    /**
     * The only attributes kept in the tree, those the readers ask for (xsi:nil is kept as a flag): any other
     * attribute is dropped as it is read, so a body of junk attributes costs no memory beyond one element's.
     */
    private static final Set<String> KEPT_ATTRIBUTES = Set.of(Wire.CALL_ID, Wire.RESPONSE_TO, Wire.FIELD_NAME,
            Wire.EXCEPTION_TYPE, Wire.EXCEPTION_CODE);
    private static final XMLInputFactory FACTORY = hardenedFactory();

    private final XmlLimits limits;

    BoundedXmlParser(XmlLimits limits) {
        this.limits = limits;
    }

    private static XMLInputFactory hardenedFactory() {
        // newDefaultFactory: the JDK's implementation, whatever else is on the class path, so that the
        // hardening below is known to take effect.
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty("jdk.xml.elementAttributeLimit", String.valueOf(MAX_ATTRIBUTES_PER_ELEMENT));
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are not read");
        });
        return factory;
    }

    /** A StAX reader from the hardened factory; the caller must still refuse DTD and ENTITY_REFERENCE events. */
    private static XMLStreamReader hardenedReader(InputStream in) throws XMLStreamException {
        synchronized (FACTORY) {
            // XMLInputFactory is not specified as thread-safe for creation; creation is cheap.
            return FACTORY.createXMLStreamReader(in);
        }
    }

    /** Parses the document; the caller closes the stream. */
    XmlNode parse(InputStream in) throws Refusal {
        XMLStreamReader reader = null;
        try {
            reader = hardenedReader(in);
            checkDeclaration(reader);
            return read(reader);
        } catch (XMLStreamException e) {
            // The parser's own message names its classes and internals; only the position is passed on.
            throw new Refusal("the body is not well-formed XML" + position(e.getLocation()));
        } catch (RuntimeException e) {
            // The JDK parser reports some encoding and limit errors unchecked.
            throw new Refusal("the body is not well-formed XML");
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // nothing was held beyond the stream, which the caller closes
                }
            }
        }
    }

    /**
     * Refuses, before the first element is read, a document that declares XML 1.1 or is not in UTF-8.
     * XML 1.1 admits {@code &#1;}…{@code &#31;} as character references, so its values could hold controls that
     * no XML 1.0 answer can carry back; any other encoding is not what the protocol's Content-Type promises
     * (esa-protocol.md §1). The reader has read the declaration when it is created.
     */
    private static void checkDeclaration(XMLStreamReader reader) throws Refusal {
        String version = reader.getVersion();
        if (version != null && !version.equals("1.0")) {
            throw new Refusal("only XML version 1.0 is accepted");
        }
        // The declared encoding, and the one the parser detected (a UTF-16 byte order mark, say).
        String declared = reader.getCharacterEncodingScheme();
        String detected = reader.getEncoding();
        if (declared != null && !declared.equalsIgnoreCase("UTF-8")
                || detected != null && !detected.equalsIgnoreCase("UTF-8")) {
            throw new Refusal("only the UTF-8 encoding is accepted");
        }
    }

    private XmlNode read(XMLStreamReader reader) throws XMLStreamException, Refusal {
        Deque<Builder> open = new ArrayDeque<>();
        XmlNode root = null;
        int elements = 0;
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.DTD:
                    throw new Refusal("a DOCTYPE is not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE:
                    throw new Refusal("entity references are not accepted");
                case XMLStreamConstants.START_ELEMENT: {
                    if (root != null) {
                        throw new Refusal("content after the root element");
                    }
                    if (++elements > limits.maxElements()) {
                        throw new Refusal("the document has more than " + limits.maxElements() + " elements");
                    }
                    if (open.size() + 1 > limits.maxDepth()) {
                        throw new Refusal("the document nests deeper than " + limits.maxDepth() + " levels");
                    }
                    open.push(start(reader));
                    break;
                }
                case XMLStreamConstants.CHARACTERS:
                case XMLStreamConstants.CDATA:
                case XMLStreamConstants.SPACE: {
                    Builder current = open.peek();
                    if (current == null) {
                        break; // white space around the root; anything else the parser refuses itself
                    }
                    if (current.text.length() + reader.getTextLength() > limits.maxTextLength()) {
                        throw new Refusal("element <" + current.name + "> holds more than "
                                + limits.maxTextLength() + " characters");
                    }
                    current.text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                    break;
                }
                case XMLStreamConstants.END_ELEMENT: {
                    XmlNode done = open.pop().build();
                    if (open.isEmpty()) {
                        root = done;
                    } else {
                        open.peek().children.add(done);
                    }
                    break;
                }
                default:
                    break; // comments, processing instructions, document start and end
            }
        }
        if (root == null) {
            throw new Refusal("the body holds no XML element");
        }
        return root;
    }

    private Builder start(XMLStreamReader reader) throws Refusal {
        String ns = reader.getNamespaceURI();
        String local = reader.getLocalName();
        String name = ns == null || ns.isEmpty() ? local : "{" + ns + "}" + local;
        if (reader.getAttributeCount() > MAX_ATTRIBUTES_PER_ELEMENT) {
            throw new Refusal("<" + local + "> has more than " + MAX_ATTRIBUTES_PER_ELEMENT + " attributes");
        }
        Map<String, String> attributes = Map.of();
        boolean nil = false;
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String value = reader.getAttributeValue(i);
            if (value.length() > limits.maxAttributeLength()) {
                throw new Refusal("an attribute of <" + local + "> is longer than "
                        + limits.maxAttributeLength() + " characters");
            }
            String attributeNs = reader.getAttributeNamespace(i);
            String attributeName = reader.getAttributeLocalName(i);
            if ((attributeNs == null || attributeNs.isEmpty()) && KEPT_ATTRIBUTES.contains(attributeName)) {
                if (attributes.isEmpty()) {
                    attributes = new LinkedHashMap<>(4);
                }
                attributes.put(attributeName, value);
            } else if (Wire.XSI_NS.equals(attributeNs) && Wire.XSI_NIL.equals(attributeName)) {
                String flag = value.strip();
                nil = Boolean.TRUE.equals(Wire.parseBoolean(flag));
            }
        }
        return new Builder(name, attributes, nil);
    }

    static String position(Location location) {
        if (location == null || location.getLineNumber() < 0) {
            return "";
        }
        return " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
    }

    private static final class Builder {
        final String name;
        final Map<String, String> attributes;
        final boolean nil;
        final StringBuilder text = new StringBuilder();
        final List<XmlNode> children = new ArrayList<>();

        Builder(String name, Map<String, String> attributes, boolean nil) {
            this.name = name;
            this.attributes = attributes;
            this.nil = nil;
        }

        XmlNode build() {
            return new XmlNode(name, attributes, nil, text.toString(), List.copyOf(children));
        }
    }
}
