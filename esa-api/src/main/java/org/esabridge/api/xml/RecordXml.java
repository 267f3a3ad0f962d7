package org.esabridge.api.xml;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;

/**
 * The {@code <record>} snippet and protocol text, as both {@link EsaResultWriter} (records in results) and
 * {@link EsaCallWriter} (records in create and update) write them. The callers check the texts first.
 */
final class RecordXml {
    private RecordXml() {
    }

    /** {@code <record>}: id and modified-at when known, then every field; a null field is {@code xsi:nil}. */
    static void write(XMLStreamWriter xml, ExternalRecord record) throws XMLStreamException {
        xml.writeStartElement(Wire.RECORD);
        if (record.id() != null) {
            element(xml, Wire.ID, record.id());
        }
        if (record.modifiedAt() != null) {
            element(xml, Wire.MODIFIED_AT, ProtocolTime.format(record.modifiedAt()));
        }
        for (FieldValue field : record.fields()) {
            if (field.isNull()) {
                xml.writeEmptyElement(Wire.FIELD);
                xml.writeAttribute(Wire.FIELD_NAME, field.name());
                xml.writeAttribute(Wire.XSI_PREFIX, Wire.XSI_NS, Wire.XSI_NIL, "true");
            } else {
                xml.writeStartElement(Wire.FIELD);
                xml.writeAttribute(Wire.FIELD_NAME, field.name());
                text(xml, field.text());
                xml.writeEndElement();
            }
        }
        xml.writeEndElement();
    }

    static void element(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeStartElement(name);
        text(xml, value);
        xml.writeEndElement();
    }

    /**
     * Text whose carriage returns survive: a literal CR would come back as LF from any XML reader (line-end
     * normalisation), so it is written as a character reference; the writer escapes &, < and > itself.
     */
    static void text(XMLStreamWriter xml, String value) throws XMLStreamException {
        int from = 0;
        for (int cr = value.indexOf('\r'); cr >= 0; cr = value.indexOf('\r', from)) {
            xml.writeCharacters(value.substring(from, cr));
            xml.writeEntityRef("#13");
            from = cr + 1;
        }
        xml.writeCharacters(value.substring(from));
    }
}
