/**
 * The JDBC adapter: a database of any registered engine ({@link org.esabridge.jdbc.dialect.Engines}) as an external system. Start with {@link
 * org.esabridge.jdbc.JdbcAdapter#start(org.esabridge.jdbc.JdbcAdapterConfig)}; every setting is declared in
 * {@link org.esabridge.jdbc.JdbcAdapterConfig}.
 *
 * <h2>Decisions, in one place</h2>
 * <ul>
 *   <li><b>Structures.</b> A table is a structure when selected by {@code structures.include/exclude}, not
 *       named {@code esa_*}, and it has id columns (primary key or {@code id-columns}) and a modification
 *       column (a TIMESTAMP/DATETIME with ON UPDATE CURRENT_TIMESTAMP, {@code modified-column}, or an
 *       adapter-managed version table). Read-only unless {@code writable} (the demo tables are writable).
 *       SQL identifiers come only from {@code information_schema}, quoted with doubled backticks; request
 *       text reaches SQL only as bind parameters.</li>
 *   <li><b>Ids.</b> One id column: its value's text form. Several: each part's text form with {@code %} →
 *       {@code %25} and {@code ,} → {@code %2C}, joined with {@code ,} ({@link
 *       org.esabridge.jdbc.catalog.RecordId}); the delete trigger builds the same string in SQL.</li>
 *   <li><b>last-seen.</b> A write lands when the stored modification time {@code M < bound(L)}: {@code L +
 *       1µs} when L has sub-millisecond digits, {@code L + 1ms} when L is a whole millisecond (the host may
 *       have truncated, esa-protocol.md §3) ({@link org.esabridge.jdbc.write.LastSeen}). The adapter stamps
 *       its writes {@code GREATEST(now, floorMs(old) + 1.001 ms)}, never on a whole millisecond, so the
 *       millisecond rule never hides a change the adapter made, and returns the stored value (read back in
 *       the same transaction), which is what {@code getModified} shows.</li>
 *   <li><b>needSyncAgain.</b> Set for the host principal ({@code esa_sync_again}, so every node answers it)
 *       when a write may have changed more than its record: a
 *       delete whose row is referenced through an ON DELETE CASCADE/SET NULL/SET DEFAULT key (checked with
 *       EXISTS in the same transaction), a user trigger on the written event, or computed / other ON UPDATE
 *       columns. Cleared by {@code startSync} and {@code release}.</li>
 *   <li><b>Deletions.</b> Tombstones from an AFTER DELETE trigger (kept {@code tombstone-retention-days}),
 *       a soft-delete column, or none. An {@code after} before the tracking start or the retention horizon
 *       is answered NOT_SUPPORTED (the host then compares ids), never with a partial list.</li>
 *   <li><b>Inline or NULL.</b> A bounded count and the streamed rows come from one REPEATABLE READ
 *       snapshot; more than {@code inline-threshold} rows answer NULL with nothing streamed.</li>
 *   <li><b>SQL.</b> Whatever is particular to one engine (clock, interval arithmetic, index hints, row limits,
 *       upserts, triggers, catalog queries) comes from {@link org.esabridge.jdbc.dialect.Dialect}; the
 *       statements of one table are built once per catalog ({@link org.esabridge.jdbc.catalog.TableSql}).
 *       The {@code esa_} tables' DDL is each engine's own (its migrations).</li>
 *   <li><b>Faults.</b> Driver errors are classified by the engine's error codes (its {@link
 *       org.esabridge.jdbc.dialect.Dialect}); messages never carry SQL or driver text. Deadlock
 *       victims are retried (4 attempts).</li>
 *   <li><b>Watermark</b> (no committed change is ever missed). A row stamped at T1 by a transaction that
 *       commits at T2 is invisible to a read in between, and the host's next {@code after} is later than T1.
 *       Before every read that serves changes, {@code esa_watermark} gets (read_at, low): low = the start of the
 *       oldest other open InnoDB transaction that modified rows or holds locks ({@code INNODB_TRX}, needs the
 *       PROCESS privilege; else read_at − {@code watermark-fallback-lag-seconds}, with one WARN at start), minus
 *       a 2 s margin. A read with {@code after = A} reads from {@code min(A, min{low : read_at >= A})}. Tombstones
 *       and cursors likewise. Duplicates are allowed, misses are not. Details and limits: {@link
 *       org.esabridge.jdbc.changes.Watermark}.</li>
 *   <li><b>Cursors</b> ({@link org.esabridge.jdbc.cursor.Cursors}). Opening widens {@code after}, freezes a
 *       horizon (the {@link org.esabridge.jdbc.dialect.DatabaseClock}), counts the range and stores the cursor in
 *       {@code esa_cursor}; each page's start, the key page-size entries after the previous one, is found as the
 *       pages are read and stored once in {@code esa_cursor_page}.
 *       Page i = keys in [start_i, start_i+1) within (after, horizon], read afresh by keyset, so
 *       any node answers and a restart loses nothing. Ids are 128 random bits; a cursor belongs to the principal that opened
 *       it; {@code cursor-timeout-minutes} of idleness expire it ({@code readDataPage} and {@code leaseSession}
 *       extend); expired cursors are deleted lazily. Deleted-ids cursors page over tombstones
 *       (deleted_at, seq) or over soft-deleted rows.</li>
 * </ul>
 */
package org.esabridge.jdbc;
