package org.esabridge.jdbc.postgres;

/**
 * The catalog queries of {@link PostgresDialect}, over {@code pg_catalog} (exact types, identity and generated
 * columns, triggers), answering in the columns {@code catalog.CatalogLoader} reads, with type names that
 * {@link PostgresValues} maps to kinds ({@code $SCHEMA} is the served schema's oid).
 *
 * <p>Types: a domain is served as its base type; {@code bool} is spelled {@code bit(1)} (a boolean there);
 * {@code timestamp} is {@code datetime} (zone-less) and {@code timestamptz} {@code timestamp} (an instant); every
 * other type that has a faithful text form is a string ({@code text} when unbounded, so a host shows it as TEXT).
 * {@code money} (its text depends on the server's locale) is not served.
 *
 * <p>A modification column is detected as on MariaDB's {@code ON UPDATE CURRENT_TIMESTAMP}: a timestamp column that a
 * BEFORE UPDATE row trigger of the application assigns ({@code NEW.<column>} in the trigger function's source).
 * Anything else is named with {@code structure.<table>.modified-column}.
 *
 * <p>A partitioned table is one table; its partitions are not tables of their own (their rows are the partitioned
 * table's), and the row triggers PostgreSQL clones onto them are its triggers ({@code tgparentid}).
 */
final class PostgresCatalog {
    private PostgresCatalog() {
    }

    static final String COLUMNS = """
            SELECT c.relname, a.attname,
              CASE WHEN t.typcategory = 'A' THEN 'text' WHEN t.typtype = 'e' THEN 'enum' ELSE
                CASE t.typname
                  WHEN 'int2' THEN 'smallint' WHEN 'int4' THEN 'int' WHEN 'int8' THEN 'bigint'
                  WHEN 'numeric' THEN 'decimal' WHEN 'float4' THEN 'float' WHEN 'float8' THEN 'double'
                  WHEN 'bool' THEN 'bit' WHEN 'varchar' THEN CASE WHEN m.mod > 4 THEN 'varchar' ELSE 'text' END
                  WHEN 'bpchar' THEN 'char' WHEN 'text' THEN 'text' WHEN 'name' THEN 'varchar'
                  WHEN 'bytea' THEN 'blob' WHEN 'date' THEN 'date' WHEN 'time' THEN 'time'
                  WHEN 'timestamp' THEN 'datetime' WHEN 'timestamptz' THEN 'timestamp'
                  WHEN 'json' THEN 'json' WHEN 'jsonb' THEN 'json' WHEN 'xml' THEN 'text' WHEN 'uuid' THEN 'uuid'
                  WHEN 'money' THEN 'money'
                  ELSE 'varchar' END END,
              CASE WHEN t.typname = 'bool' THEN 'bit(1)' ELSE format_type(a.atttypid, a.atttypmod) END,
              CAST(CASE WHEN t.typname IN ('varchar', 'bpchar') AND m.mod > 4 THEN m.mod - 4 END AS BIGINT),
              CAST(CASE WHEN t.typname = 'numeric' AND m.mod >= 4 THEN ((m.mod - 4) >> 16) & 65535
                   WHEN t.typname = 'int2' THEN 5 WHEN t.typname = 'int4' THEN 10 WHEN t.typname = 'int8' THEN 19
                   END AS BIGINT),
              CAST(CASE WHEN t.typname = 'numeric' AND m.mod >= 4 THEN (m.mod - 4) & 65535
                   WHEN t.typname IN ('int2', 'int4', 'int8') THEN 0 END AS BIGINT),
              CAST(CASE WHEN t.typname IN ('time', 'timetz', 'timestamp', 'timestamptz')
                   THEN CASE WHEN m.mod >= 0 THEN m.mod ELSE 6 END ELSE 0 END AS BIGINT),
              CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END,
              CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
              concat_ws(' ',
                CASE WHEN a.attidentity IN ('a', 'd') OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
                     THEN 'auto_increment' END,
                CASE WHEN t.typname IN ('timestamp', 'timestamptz') AND EXISTS (
                    SELECT 1 FROM pg_trigger g JOIN pg_proc p ON p.oid = g.tgfoid
                    WHERE g.tgrelid = c.oid AND NOT g.tgisinternal AND g.tgname NOT LIKE 'esa\\_%'
                      AND (g.tgtype::int & 1) <> 0 AND (g.tgtype::int & 2) <> 0 AND (g.tgtype::int & 16) <> 0
                      AND lower(p.prosrc) ~ ('new\\.' || regexp_replace(lower(a.attname), '([^a-z0-9_])', '\\\\\\1', 'g')
                                             || '($|[^a-z0-9_$])'))
                     THEN 'on update CURRENT_TIMESTAMP' END),
              CASE WHEN a.attgenerated <> '' THEN 'ALWAYS' ELSE 'NEVER' END,
              CASE WHEN t.typname = 'bpchar' THEN 'PAD SPACE' ELSE 'NO PAD' END
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_type t0 ON t0.oid = a.atttypid
            JOIN pg_type t ON t.oid = CASE WHEN t0.typtype = 'd' THEN t0.typbasetype ELSE t0.oid END
            CROSS JOIN LATERAL (SELECT CASE WHEN t0.typtype = 'd' THEN t0.typtypmod ELSE a.atttypmod END AS mod) m
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = $SCHEMA AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0
              AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum""";

    static final String INDEXES = """
            SELECT c.relname, CASE WHEN x.indisprimary THEN 'PRIMARY' ELSE i.relname END, a.attname,
              CASE WHEN x.indisunique THEN 0 ELSE 1 END
            FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE c.relnamespace = $SCHEMA AND x.indpred IS NULL AND NOT (0 = ANY (x.indkey::int2[]))
              AND k.n <= x.indnkeyatts
            ORDER BY c.relname, 2, k.n""";

    static final String PRIMARY_KEYS = """
            SELECT c.relname, a.attname
            FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid
            CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE c.relnamespace = $SCHEMA AND x.indisprimary
            ORDER BY c.relname, k.n""";

    static final String FOREIGN_KEYS = """
            SELECT con.conname, c.relname, a.attname, rc.relname, ra.attname,
              CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END,
              CASE con.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_class rc ON rc.oid = con.confrelid
            CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY k(col, refcol, n)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
            JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refcol
            WHERE con.contype = 'f' AND c.relnamespace = $SCHEMA AND rc.relnamespace = $SCHEMA
            ORDER BY c.relname, con.conname, k.n""";

    static final String TRIGGERS = """
            SELECT c.relname, e.event, g.tgname
            FROM pg_trigger g
            JOIN pg_class c ON c.oid = g.tgrelid
            CROSS JOIN LATERAL (VALUES ('INSERT', 4), ('DELETE', 8), ('UPDATE', 16)) e(event, bit)
            WHERE NOT g.tgisinternal AND c.relnamespace = $SCHEMA AND (g.tgtype::int & e.bit) <> 0""";

    /** {@code COMMENT ON TABLE} and {@code COMMENT ON COLUMN} of the served tables: their labels. */
    static final String COMMENTS = """
            SELECT c.relname, a.attname, d.description
            FROM pg_description d
            JOIN pg_class c ON c.oid = d.objoid
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
              AND NOT a.attisdropped
            WHERE d.classoid = 'pg_class'::regclass AND c.relnamespace = $SCHEMA AND c.relkind IN ('r', 'p')
              AND NOT c.relispartition
              AND (d.objsubid = 0 OR a.attname IS NOT NULL) AND d.description <> ''""";
}
