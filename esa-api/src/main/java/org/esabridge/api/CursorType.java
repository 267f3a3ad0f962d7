package org.esabridge.api;

/** What the pages of a cursor hold. */
public enum CursorType {
    /** Pages of {@code <record>}, opened by {@code getModifiedPaged}. */
    RECORDS,
    /** Pages of {@code <id>}, opened by {@code getDeletedPaged}. */
    IDS
}
