package org.esabridge.jdbc.cursor;

import java.time.Instant;

/**
 * A position in (modification time, id) order: the first entry of a page.
 *
 * @param mod the modification time (for tombstones: {@code deleted_at})
 * @param id  the row's external id (for tombstones: {@code seq}), as text
 */
record PageKey(Instant mod, String id) {
}
