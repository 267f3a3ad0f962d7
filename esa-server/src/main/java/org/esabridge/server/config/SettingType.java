package org.esabridge.server.config;

/** How a setting's text is validated and what a command-line option of it looks like. */
public enum SettingType {
    /** A TCP port, 0..65535 (0 = any free port, for tests). */
    PORT,
    /** A file or directory path. */
    PATH,
    /** Free text. */
    STRING,
    /** {@code true} or {@code false}; as a command-line flag, present means true. */
    BOOLEAN,
    /** A positive number of bytes. */
    BYTES,
    /** A positive whole number (a count, seconds, a rate). */
    INTEGER
}
