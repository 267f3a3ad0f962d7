package org.esabridge.jdbc.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;
import org.esabridge.jdbc.DeleteStrategy;
import org.esabridge.jdbc.mariadb.MariaDbDialect;
import org.junit.jupiter.api.Test;

/** The per-table statements: built once per catalog, afresh for a reloaded one. No database needed. */
class CatalogTest {
    private static final Column ID = new Column("id", "int", "int(11)", null, 10L, 0L, 0, false, false, false,
            false, false);
    private static final Column MOD = new Column("modified", "timestamp", "timestamp(6)", null, null, null, 6, false,
            true, false, false, true);

    private static Table table(String modIndex) {
        return new Table("items", "items", true, List.of(ID), MOD, null, modIndex, "PRIMARY", List.of(), Map.of(
                "id", ValueKind.INTEGER, "modified", ValueKind.TIMESTAMP), Set.of(), DeleteStrategy.NONE, null,
                List.of(), List.of(), List.of(), Set.of(), false, java.time.ZoneOffset.UTC);
    }

    @Test
    void aTablesStatementsAreBuiltOncePerCatalogAndAfreshForAReloadedOne() throws EsaException {
        Catalog first = new Catalog(Map.of("items", table(null)), MariaDbDialect.INSTANCE);
        TableSql sql = first.sql("items");
        assertSame(sql, first.sql(" items "), "the same catalog hands out the statements it built");
        assertEquals("SELECT COUNT(*) FROM (SELECT 1 FROM `items` t WHERE t.`modified` > CAST(? AS DATETIME(6))"
                + " LIMIT ?) x", sql.countModified());

        Catalog reloaded = new Catalog(Map.of("items", table("items_by_mod")), MariaDbDialect.INSTANCE);
        TableSql fresh = reloaded.sql("items");
        assertNotSame(sql, fresh);
        assertTrue(fresh.modified().contains("FORCE INDEX (`items_by_mod`)"), fresh.modified());
    }

    @Test
    void anUnknownStructureHasNoStatements() {
        Catalog catalog = new Catalog(Map.of(), MariaDbDialect.INSTANCE);
        assertEquals(ErrorCode.UNKNOWN_STRUCTURE, assertThrows(EsaException.class, () -> catalog.sql("nope")).code());
    }
}
