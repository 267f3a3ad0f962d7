package org.esabridge.api.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One element as {@link BoundedXmlParser} read it: small, immutable after parsing, bounded by
 * {@link XmlLimits}. Only the direct text of the element is kept, untrimmed.
 */
final class XmlNode {
    /** Local name; elements in a namespace get {@code {namespace}local} so they never match a protocol name. */
    final String name;
    /** The protocol's attributes in no namespace, by local name (others are not kept). */
    final Map<String, String> attributes;
    /** Whether {@code xsi:nil} was {@code true} or {@code 1}. */
    final boolean nil;
    final String text;
    final List<XmlNode> children;

    XmlNode(String name, Map<String, String> attributes, boolean nil, String text, List<XmlNode> children) {
        this.name = name;
        this.attributes = attributes;
        this.nil = nil;
        this.text = text;
        this.children = children;
    }

    /** The children of that name, in document order. */
    List<XmlNode> all(String childName) {
        List<XmlNode> found = new ArrayList<>();
        for (XmlNode child : children) {
            if (child.name.equals(childName)) {
                found.add(child);
            }
        }
        return found;
    }

    /** Whether the direct text is white space only. */
    boolean blankText() {
        return text.isBlank();
    }
}
