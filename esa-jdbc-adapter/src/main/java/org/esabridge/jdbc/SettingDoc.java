package org.esabridge.jdbc;

import java.util.Objects;

/**
 * The documentation of one setting this module reads, for the README's configuration table and
 * {@code --help}.
 *
 * @param name         the key as written in a properties file; per-structure keys use {@code <table>}
 * @param defaultValue the default in text form, or the empty string when there is none
 * @param description  one line for a human
 */
public record SettingDoc(String name, String defaultValue, String description) {
    public SettingDoc {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(defaultValue, "defaultValue == null");
        Objects.requireNonNull(description, "description == null");
    }
}
