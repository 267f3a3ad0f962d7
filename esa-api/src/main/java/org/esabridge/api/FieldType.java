package org.esabridge.api;

/** The field types of the protocol (esa-protocol.md §4, Field). */
public enum FieldType {
    STRING, TEXT, INTEGER, DECIMAL, BOOLEAN, DATE, TIME, DATETIME, BINARY
}
