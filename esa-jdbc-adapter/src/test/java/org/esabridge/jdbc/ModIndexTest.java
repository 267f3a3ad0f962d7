package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import org.esabridge.jdbc.catalog.Catalog;
import org.esabridge.jdbc.catalog.CatalogLoader;
import org.esabridge.jdbc.catalog.RecordMapper;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Change queries are pinned to the modification index: the keyset order then never depends on statistics,
 * which a bulk load can leave claiming a million-row table holds 100 rows (seen in the benchmark: every
 * page became a sort of the whole table).
 */
@Tag("database")
class ModIndexTest {
    private static final String DB = "esa_mod_index_test";
    private static final String MOD = " modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)";

    @Test
    void theIndexOfTheWholeKeysetIsPreferredAndNamedInChangeQueries() throws Exception {
        TestDatabase.freshSchema(DB);
        TestDatabase.exec(DB,
                "CREATE TABLE both_kinds (id INT PRIMARY KEY, name VARCHAR(20)," + MOD + ", KEY a_mod_only (modified),"
                        + " KEY b_keyset (modified, id))",
                "CREATE TABLE mod_only (id INT PRIMARY KEY," + MOD + ", KEY `odd``name` (modified))",
                "CREATE TABLE none (id INT PRIMARY KEY," + MOD + ")",
                "INSERT INTO both_kinds (id, name) SELECT seq, 'x' FROM seq_1_to_2000");
        JdbcAdapterConfig config = JdbcAdapterConfig.fromSettings(TestDatabase.settings(DB), null);
        try (Connection c = TestDatabase.connect(DB)) {
            Catalog catalog = new CatalogLoader(config, MariaDbDialect.INSTANCE, Set.of()).load(c);
            assertEquals("b_keyset", catalog.table("both_kinds").modIndex());
            assertEquals("odd`name", catalog.table("mod_only").modIndex());
            assertNull(catalog.table("none").modIndex());

            RecordMapper m = new RecordMapper(catalog.table("both_kinds"), MariaDbDialect.INSTANCE);
            assertTrue(m.changesFrom().endsWith("FORCE INDEX (`b_keyset`)"), m.changesFrom());
            try (Statement s = c.createStatement(); ResultSet plan = s.executeQuery("EXPLAIN SELECT " + m.selectList()
                    + " FROM " + m.changesFrom() + " WHERE " + m.mod() + " > '2000-01-01' ORDER BY " + m.mod() + ", "
                    + m.idOrder() + " LIMIT 1000")) {
                assertTrue(plan.next());
                assertEquals("b_keyset", plan.getString("key"));
                assertTrue(plan.getString("Extra") == null || !plan.getString("Extra").contains("filesort"),
                        plan.getString("Extra"));
            }
            RecordMapper odd = new RecordMapper(catalog.table("mod_only"), MariaDbDialect.INSTANCE);
            assertTrue(odd.changesFrom().endsWith("FORCE INDEX (`odd``name`)"), odd.changesFrom());
        }
    }
}
