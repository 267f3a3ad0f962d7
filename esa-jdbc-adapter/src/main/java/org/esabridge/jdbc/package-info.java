/**
 * The JDBC adapter: any MariaDB database as an external system. Start with {@link
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
 *   <li><b>needSyncAgain.</b> Set for the session when a write may have changed more than its record: a
 *       delete whose row is referenced through an ON DELETE CASCADE/SET NULL/SET DEFAULT key (checked with
 *       EXISTS in the same transaction), a user trigger on the written event, or computed / other ON UPDATE
 *       columns. Cleared by {@code startSync} and {@code release}.</li>
 *   <li><b>Deletions.</b> Tombstones from an AFTER DELETE trigger (kept {@code tombstone-retention-days}),
 *       a soft-delete column, or none. An {@code after} before the tracking start or the retention horizon
 *       is answered NOT_SUPPORTED (the host then compares ids), never with a partial list.</li>
 *   <li><b>Inline or NULL.</b> A bounded count and the streamed rows come from one REPEATABLE READ
 *       snapshot; more than {@code inline-threshold} rows answer NULL with nothing streamed.</li>
 *   <li><b>Faults.</b> Driver errors are classified by MariaDB error number ({@link
 *       org.esabridge.jdbc.dialect.MariaDbDialect}); messages never carry SQL or driver text. Deadlock
 *       victims are retried (4 attempts).</li>
 *   <li><b>Paging.</b> The paged calls go through {@code Paging}, today answering NOT_SUPPORTED; a
 *       {@code cursor} package reuses {@link org.esabridge.jdbc.catalog.RecordMapper} and {@link
 *       org.esabridge.jdbc.changes.ChangeQueries#modifiedSql(boolean)} (keyset over (mod, id)).</li>
 * </ul>
 */
package org.esabridge.jdbc;
