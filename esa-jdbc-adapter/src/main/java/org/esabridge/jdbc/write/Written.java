package org.esabridge.jdbc.write;

/**
 * The result of a write and whether it may have changed more than the addressed record (→ needSyncAgain).
 *
 * @param value         what the call returns
 * @param othersChanged whether triggers, cascades or computed columns may have changed other data
 */
public record Written<T>(T value, boolean othersChanged) {
}
