package org.esabridge.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.esabridge.api.ExternalStructure;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Views are not served, on every engine and in every capture mode: the start names them once, grouped like the other
 * tables it leaves out, with what the user can do (serve the tables they read); a view created later is named once in
 * the log at the reload that finds it. They were left out silently.
 */
@Tag("database")
@ParameterizedClass(name = "{0}")
@MethodSource("org.esabridge.jdbc.EngineFixture#all")
class ViewsNamedTest {
    private static final String VIEWS = "2 table(s) with no rows of their own (views) (item_totals, item_view) - a view"
            + " is not served; serve the tables it reads instead";

    @Parameter
    EngineFixture engine;

    @Test
    void viewsAreNamedOnceWithWhatToDoAndNeverServed() throws Exception {
        String db = engine.database("views");
        engine.fresh(db);
        engine.exec(db, "CREATE TABLE item (id INT PRIMARY KEY, v INT NOT NULL, " + engine.modifiedColumn() + ")",
                "CREATE VIEW item_view AS SELECT id, v, modified FROM item",
                "CREATE VIEW item_totals AS SELECT count(*) AS n FROM item");
        engine.exec(db, engine.stampedOnUpdate("item").toArray(String[]::new));
        try (JdbcAdapter adapter = engine.adapter(db)) {
            List<String> summary = adapter.captureSummary();
            assertEquals("not served: " + VIEWS, summary.get(summary.size() - 1), summary.toString());
            assertEquals(List.of("item"), structures(adapter));

            engine.exec(db, "CREATE VIEW later_view AS SELECT id FROM item");
            String warnings = PgLogTablesChangedWhileRunningTest.stderrOf(adapter::getStructureList);
            assertEquals(1, warnings.lines().filter(l -> l.contains("table later_view is not served: no rows of their"
                    + " own (views) - a view is not served; serve the tables it reads instead")).count(), warnings);
            warnings = PgLogTablesChangedWhileRunningTest.stderrOf(adapter::getStructureList);
            assertTrue(warnings.lines().noneMatch(l -> l.contains("later_view")), "named once: " + warnings);
            assertEquals(List.of("item"), structures(adapter));
        }
    }

    private static List<String> structures(JdbcAdapter adapter) throws Exception {
        return adapter.getStructureList().stream().map(ExternalStructure::name).toList();
    }
}
