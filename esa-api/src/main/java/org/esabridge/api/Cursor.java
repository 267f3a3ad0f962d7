package org.esabridge.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A paged result ({@code <cursor>}) that the host reads with {@code readDataPage} 0..pageCount-1.
 *
 * @param cursorId  opaque id to pass to {@code readDataPage} and {@code closeCursor}
 * @param type      records or ids
 * @param pageCount number of pages; 0 when the result is empty
 * @param pageSize  maximum entries per page
 * @param total     number of entries over all pages
 * @param expiresAt when the cursor expires unless read or leased before
 */
public record Cursor(String cursorId, CursorType type, long pageCount, int pageSize, long total, Instant expiresAt) {
    public Cursor {
        Objects.requireNonNull(cursorId, "cursorId == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
    }
}
