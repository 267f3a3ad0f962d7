package org.esabridge.api.xml;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.FieldValue;
import org.esabridge.api.xml.EsaCallReader.Binding;

/**
 * One line of the {@link CallTable}: a call's element name, its record type and its children, each with its
 * element name and the {@link Kind} of value it holds. {@link EsaCallReader} binds by it, {@link EsaCallWriter}
 * and {@link ApiCallWriter} write by it; nothing else knows a call's children.
 *
 * <p>The children are the record's components, in the same order: a call record is the protocol's table row
 * (esa-protocol.md §5, §6) spelt in Java. The line therefore names no accessor or constructor; it is bound to the
 * record when the table loads, and refused then, before any call is served, unless the record has one component
 * per child, each of the child's type and named as the child's element in camelCase ({@code last-seen} is
 * {@code lastSeen}) or as the child says with {@link Child#from}. Binding by reflection keeps each line to what
 * the protocol page says, where typed constructor and accessor references would repeat the record's name on
 * every child.
 *
 * @param <C> the call's record type
 */
final class CallSpec<C> {
    final String name;
    final Class<C> type;
    /** In component order, which is the order of the elements on the wire; attributes are written first. */
    private final List<Bound> children;
    private final List<Bound> writeOrder;
    private final Set<String> elementNames;
    private final Constructor<C> constructor;

    private CallSpec(String name, Class<C> type, List<Child<?>> declared) {
        this.name = name;
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        if (components == null || components.length != declared.size()) {
            throw refused("the record needs one component per child, " + declared.size() + " in all");
        }
        children = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            Child<?> child = declared.get(i);
            RecordComponent component = components[i];
            if (!child.component.equals(component.getName()) || child.kind.type != boxed(component.getType())) {
                throw refused("component " + (i + 1) + " must be " + child.kind.type.getSimpleName() + " "
                        + child.component + " for <" + child.name + ">");
            }
            children.add(new Bound(child, component.getAccessor()));
        }
        writeOrder = children.stream().sorted(Comparator.comparing(bound -> !bound.child.kind.attribute)).toList();
        elementNames = Set.copyOf(elements());
        try {
            constructor = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the canonical constructor of " + type.getName() + " is missing", e);
        }
    }

    /** The line of call {@code name}, bound to its record {@code type}; see the class comment. */
    static <C> CallSpec<C> call(String name, Class<C> type, Child<?>... children) {
        return new CallSpec<>(name, type, List.of(children));
    }

    /**
     * The call element as its record: unexpected and repeated children are refused first, then the children are
     * read in declared order, so the first missing or unreadable one is the one named.
     */
    C bind(Binding in) throws EsaRequestException {
        in.only(elementNames);
        Object[] values = new Object[children.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = children.get(i).child.read(in);
        }
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot make " + name + " from its children", e);
        }
    }

    /** The names of the child elements, in the order they are written; attributes are not among them. */
    List<String> elements() {
        return children.stream().filter(bound -> !bound.child.kind.attribute).map(bound -> bound.child.name).toList();
    }

    /** Refuses, before anything is written, a text of the call that XML cannot carry. */
    void check(Object call) throws UnwritableValueException {
        for (Bound bound : children) {
            bound.child.check(name, bound.valueOf(call));
        }
    }

    /** Writes the call element's attributes, then its children in declared order. */
    void write(XMLStreamWriter xml, Object call) throws XMLStreamException {
        for (Bound bound : writeOrder) {
            bound.child.write(xml, bound.valueOf(call));
        }
    }

    private IllegalStateException refused(String why) {
        return new IllegalStateException("call table, <" + name + "> (" + type.getName() + "): " + why);
    }

    private static Class<?> boxed(Class<?> type) {
        return type == long.class ? Long.class : type == boolean.class ? Boolean.class : type;
    }

    /** A child and the record accessor that holds its value. */
    private record Bound(Child<?> child, Method accessor) {
        Object valueOf(Object call) {
            try {
                return accessor.invoke(call);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + accessor.getName() + " of " + call, e);
            }
        }
    }

    // ---- the kinds of children (esa-protocol.md §3): how each is read, written and checked ----

    /** A required control text, trimmed on reading. */
    static Child<String> text(String name) {
        return new Child<>(name, new Kind<>(String.class, Binding::required, CallDocument::element,
                CallSpec::checkText));
    }

    /** A control text that may be absent (null); left out when null. */
    static Child<String> optionalText(String name) {
        Writer<String> unlessNull = (xml, element, value) -> {
            if (value != null) {
                CallDocument.element(xml, element, value);
            }
        };
        return new Child<>(name, new Kind<>(String.class, Binding::optional, unlessNull, CallSpec::checkText));
    }

    /** A boolean that defaults to false when absent; always written. */
    static Child<Boolean> flag(String name) {
        Writer<Boolean> asText = (xml, element, value) -> CallDocument.element(xml, element, value.toString());
        return new Child<>(name, new Kind<>(Boolean.class, Binding::optionalBoolean, asText, Checker.none()));
    }

    /** A boolean attribute of the call element itself, such as the Helper {@code startSync}'s {@code asynchronous}. */
    static Child<Boolean> flagAttribute(String name) {
        Reader<Boolean> never = (in, element) -> {
            throw new UnsupportedOperationException("the ESA writes Helper calls and never reads them");
        };
        Writer<Boolean> attribute = (xml, element, value) -> xml.writeAttribute(element, value.toString());
        return new Child<>(name, new Kind<>(Boolean.class, true, never, attribute, Checker.none()));
    }

    /** A required control timestamp, written in UTC. */
    static Child<Instant> timestamp(String name) {
        return new Child<>(name, new Kind<>(Instant.class, Binding::instant, CallDocument::element, Checker.none()));
    }

    /** A page index: a number, not negative. */
    static Child<Long> pageIndex(String name) {
        Writer<Long> asText = (xml, element, value) -> CallDocument.element(xml, element, value.toString());
        return new Child<>(name, new Kind<>(Long.class, Binding::pageIndex, asText, Checker.none()));
    }

    /** The {@code <record>} of a create: its id may be absent (the ESA chooses one). */
    static Child<ExternalRecord> record() {
        return record(false);
    }

    /** The {@code <record>} of an update: it must carry the id it updates. */
    static Child<ExternalRecord> recordWithId() {
        return record(true);
    }

    private static Child<ExternalRecord> record(boolean idRequired) {
        Reader<ExternalRecord> reader = (in, element) -> in.record(idRequired);
        Writer<ExternalRecord> writer = (xml, element, value) -> RecordXml.write(xml, value);
        return new Child<>(Wire.RECORD, new Kind<>(ExternalRecord.class, reader, writer, CallSpec::checkRecord));
    }

    private static void checkText(String call, String name, String value) throws UnwritableValueException {
        if (value != null) {
            EsaResultWriter.check(call + ", " + name, value);
        }
    }

    private static void checkRecord(String call, String name, ExternalRecord record) throws UnwritableValueException {
        checkText(call, "record id", record.id());
        for (FieldValue field : record.fields()) {
            checkText(call, "name of a field", field.name());
            checkText(call, "field " + field.name(), field.text());
        }
    }

    /**
     * One child of a call: its element (or attribute) name, its kind, and the name of the record component that
     * holds it, by default the element name in camelCase.
     */
    static final class Child<T> {
        final String name;
        final Kind<T> kind;
        final String component;

        private Child(String name, Kind<T> kind) {
            this(name, kind, camelCase(name));
        }

        private Child(String name, Kind<T> kind, String component) {
            this.name = name;
            this.kind = kind;
            this.component = component;
        }

        /** The same child, held by a component whose name is not the element's. */
        Child<T> from(String component) {
            return new Child<>(name, kind, component);
        }

        T read(Binding in) throws EsaRequestException {
            return kind.reader.read(in, name);
        }

        void write(XMLStreamWriter xml, Object value) throws XMLStreamException {
            kind.writer.write(xml, name, kind.type.cast(value)); // checked against the component when bound
        }

        void check(String callName, Object value) throws UnwritableValueException {
            kind.checker.check(callName, name, kind.type.cast(value));
        }

        private static String camelCase(String element) {
            StringBuilder out = new StringBuilder();
            for (String word : element.split("-")) {
                out.append(out.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
            }
            return out.toString();
        }
    }

    /**
     * How one kind of value is read from a call element, written, and checked before writing; an attribute kind
     * is written on the call element itself, before its children.
     */
    private record Kind<T>(Class<T> type, boolean attribute, Reader<T> reader, Writer<T> writer, Checker<T> checker) {
        Kind(Class<T> type, Reader<T> reader, Writer<T> writer, Checker<T> checker) {
            this(type, false, reader, writer, checker);
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Binding in, String name) throws EsaRequestException;
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(XMLStreamWriter xml, String name, T value) throws XMLStreamException;
    }

    @FunctionalInterface
    private interface Checker<T> {
        void check(String call, String name, T value) throws UnwritableValueException;

        /** A value with no text of its own: nothing to check. */
        static <T> Checker<T> none() {
            return (call, name, value) -> {
            };
        }
    }
}
