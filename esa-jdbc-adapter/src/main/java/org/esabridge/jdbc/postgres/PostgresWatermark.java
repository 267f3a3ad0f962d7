package org.esabridge.jdbc.postgres;

/**
 * How far back a polling read on PostgreSQL must reach: the open-transactions list that {@code changes.Watermark}
 * asks the dialect for, built from the snapshot and the sessions' transaction start times.
 *
 * <h2>Why the start of the oldest open transaction is exact here</h2>
 * A stamp a transaction writes ({@code now()} = {@code transaction_timestamp()} in the application's trigger or
 * default, {@code statement_timestamp()} or {@code clock_timestamp()}, and the adapter's own stamps, which are
 * {@code statement_timestamp()}) is never earlier than that transaction's start, and PostgreSQL publishes the start
 * in {@code pg_stat_activity.xact_start} the moment the transaction begins (StartTransaction reports it to the
 * shared status array; nothing is cached across backends). So when the watermark row is written at {@code read_at}
 * and the list is read after it, every transaction that could commit a change the following read cannot see is
 * either listed (it began before the list was read and is still open: its stamps are at or after its listed start)
 * or began after {@code read_at} (its stamps are later than {@code read_at}). {@code low} = the oldest listed start,
 * or {@code read_at} without one, is therefore a bound no invisible change is stamped below; {@code Watermark} takes
 * the age in whole seconds and adds its margin of two seconds, which costs duplicates only.
 *
 * <h2>Why the snapshot is read too</h2>
 * The start times are only as good as the list is complete. The snapshot ({@code pg_current_snapshot()}) says which
 * transaction ids may still commit: its {@code xmin}, the oldest, and the in-progress list {@code xip} below its
 * {@code xmax}. Each of them must belong to a session the list shows ({@code backend_xid}); one that does not — a
 * session this account may not see, or one that ended between the two looks — makes the list "not listed" (first
 * column 0). So does a prepared two-phase transaction of this database ({@code pg_prepared_xacts}): its session is
 * gone and its start unknown, and it may carry an id at or above {@code xmax}, which no snapshot enumerates (ids
 * there that belong to live sessions are in the list with their starts anyway). {@code Watermark} then looks once
 * more and falls back to {@code watermark-fallback-lag-seconds} for that read, counted in its stale reads. A
 * transaction that has not written yet has no id, but it is in the list with its start, which is what bounds its
 * future stamps. The statistics snapshot a session keeps for the rest of its transaction is dropped first
 * ({@code pg_stat_clear_snapshot()}), so the second look is fresh too. Only this database's sessions count: no
 * other database's transaction can write its tables.
 *
 * <h2>Privileges</h2>
 * Other roles' {@code xact_start} and {@code backend_xid} are shown only to members of {@code pg_read_all_stats}
 * (and superusers): without it the function refuses with SQLSTATE 42501, which {@code Watermark} takes as the
 * missing privilege, with its WARN and the fixed lag. Autovacuum workers never stamp application rows and are not
 * counted.
 */
final class PostgresWatermark {
    private PostgresWatermark() {
    }

    /** {@code <state schema>.esa_open_transactions()}: (complete 1/0, age in whole seconds of the oldest other start). */
    static String functionSql(String schemaPrefix) {
        return "CREATE OR REPLACE FUNCTION " + schemaPrefix + "esa_open_transactions(OUT listed INT, OUT age BIGINT)"
                + " LANGUAGE plpgsql AS $esa$ BEGIN"
                + " IF NOT pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') THEN"
                + " RAISE EXCEPTION 'esa-bridge needs the role pg_read_all_stats to see other sessions'' transactions'"
                + " USING ERRCODE = '42501'; END IF;"
                + " PERFORM pg_stat_clear_snapshot();"
                + " SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_prepared_xacts p WHERE p.database = current_database())"
                + " OR EXISTS (SELECT 1 FROM (SELECT pg_snapshot_xip(s.snap) AS x FROM (SELECT pg_current_snapshot() AS snap) s"
                + " UNION SELECT pg_snapshot_xmin(s.snap) FROM (SELECT pg_current_snapshot() AS snap) s"
                + " WHERE pg_snapshot_xmin(s.snap) <> pg_snapshot_xmax(s.snap)) running"
                + " WHERE running.x IS DISTINCT FROM pg_current_xact_id_if_assigned()"
                + " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a"
                + " WHERE a.backend_xid::text = (running.x::text::numeric % 4294967296)::text)) THEN 0 ELSE 1 END,"
                + " (SELECT CEIL(EXTRACT(EPOCH FROM clock_timestamp() - MIN(a.xact_start)))::BIGINT"
                + " FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL"
                + " AND a.datname = current_database() AND a.backend_type <> 'autovacuum worker')"
                + " INTO listed, age;"
                + " END $esa$";
    }
}
