package org.esabridge.jdbc.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberTextTest {

    /** The scan agrees with BigDecimal on the value, its digits and its powers, without building it. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "7", "+7", "120", "120.50", "0.0050", ".5", "5.", "1.5e2", "1.5E-2",
        "-12345e-2", "000123.4500", "9e+9", "0.000e5", "10e-1", "123456789012345678901234567890"})
    void agreesWithBigDecimal(String text) {
        NumberText n = NumberText.scan(text, true);
        BigDecimal expected = new BigDecimal(text);
        assertEquals(0, expected.compareTo(n.toBigDecimal()), text);
        if (expected.signum() != 0) {
            BigDecimal stripped = expected.stripTrailingZeros();
            assertEquals(stripped.precision(), n.significand.length(), text);
            assertEquals(-stripped.scale(), n.lowPower, text);
            assertEquals(stripped.precision() - stripped.scale() - 1, n.highPower(), text);
        } else {
            assertTrue(n.isZero(), text);
        }
    }

    @ParameterizedTest
    @CsvSource({"1e999999999, 999999999, 999999999", "-1e-999999999, -999999999, -999999999",
        "12.5e999999999, 999999998, 1000000000"})
    void hugeExponentsAreOnlyCounted(String text, long lowPower, long highPower) {
        NumberText n = NumberText.scan(text, true);
        assertEquals(lowPower, n.lowPower);
        assertEquals(highPower, n.highPower());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1e1000000000", "0x10", "NaN",
        "Infinity", "1 000", "1,5", "١٢٣"})
    void notNumbers(String text) {
        assertNull(NumberText.scan(text, true), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1e3", ".5"})
    void integersHaveNeitherFractionNorExponent(String text) {
        assertNull(NumberText.scan(text, false), text);
    }
}
