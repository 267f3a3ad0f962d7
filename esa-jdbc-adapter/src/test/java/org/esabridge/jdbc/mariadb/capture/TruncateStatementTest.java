package org.esabridge.jdbc.mariadb.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What the binlog reader reads from a TRUNCATE's text: its table, whatever comments surround or follow it. */
class TruncateStatementTest {

    @Test
    void commentsNeitherHideTheStatementNorNameItsTarget() {
        assertArrayEquals(new String[] {null, "t"}, TruncateStatement.of("TRUNCATE TABLE t /* crm */").target());
        assertArrayEquals(new String[] {null, "t"}, TruncateStatement.of("/* x */ truncate t -- crm.u").target());
        assertArrayEquals(new String[] {null, "t"}, TruncateStatement.of("# crm\nTRUNCATE TABLE t;").target());
        assertArrayEquals(new String[] {"crm", "a`b"}, TruncateStatement.of("TRUNCATE `crm`.`a``b`").target());
        assertArrayEquals(new String[] {"crm", "t"}, TruncateStatement.of("TRUNCATE /*!40000 TABLE */ crm.t").target());
    }

    @Test
    void otherStatementsAreNoTruncateAndOddOnesHaveNoPlainTarget() {
        assertNull(TruncateStatement.of("INSERT INTO t VALUES ('TRUNCATE t')"));
        assertNull(TruncateStatement.of("/* TRUNCATE t */ DELETE FROM t"));
        assertNull(TruncateStatement.of("TRUNCATE TABLE t PARTITION (p0)").target());
        assertNull(TruncateStatement.of("TRUNCATE TABLE `/* x */`.t, u").target());
    }
}
