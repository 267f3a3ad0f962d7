package org.esabridge.api;

import java.util.Objects;

/**
 * The authenticated caller of a call. Cursors, {@code leaseSession}, {@code release} and
 * {@code needSyncAgain} are scoped to it (esa-protocol.md §5).
 *
 * @param principal the caller's name as authentication established it
 */
public record Session(String principal) {
    public Session {
        Objects.requireNonNull(principal, "principal == null");
    }
}
