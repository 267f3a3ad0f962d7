package org.esabridge.api.xml;

/**
 * Bounds the readers enforce while parsing, before anything grows with the input. A document that exceeds
 * one is refused as {@code MALFORMED_REQUEST}. The HTTP body limit of the server bounds the rest.
 *
 * @param maxDepth           deepest element nesting, the root counting as 1
 * @param maxElements        elements per document
 * @param maxAttributeLength characters per attribute value
 * @param maxTextLength      characters of text per element (one field value, one id, ...)
 */
public record XmlLimits(int maxDepth, int maxElements, int maxAttributeLength, int maxTextLength) {
    public XmlLimits {
        positive("maxDepth", maxDepth);
        positive("maxElements", maxElements);
        positive("maxAttributeLength", maxAttributeLength);
        positive("maxTextLength", maxTextLength);
    }

    /** 32 levels, 100 000 elements, 1 KiB attributes, 1 Mi characters of text per element. */
    public static XmlLimits defaults() {
        return new XmlLimits(32, 100_000, 1_024, 1_048_576);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
