package org.esabridge.jdbc.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A number from a request, scanned as text: its sign, its significant digits and the power of ten of the
 * last one, found in one pass without building a BigDecimal or BigInteger. The bounds of a column are
 * checked on these before anything is built, because building is where a hostile number costs: a
 * million-digit integer takes seconds of CPU to parse, and {@code 1e999999999} is cheap as a BigDecimal but
 * expands to a billion digits as soon as the driver writes it as plain text.
 *
 * <p>Accepted forms: {@code [+-]digits} for integers; for decimals also a fraction ({@code 1.5}, {@code .5},
 * {@code 5.}) and an exponent ({@code 1.5e2}), the exponent having at most {@value #MAX_EXPONENT_DIGITS}
 * significant digits.
 */
final class NumberText {
    static final int MAX_EXPONENT_DIGITS = 9;

    final boolean negative;
    /** The digits from the first to the last non-zero one; empty for zero. */
    final String significand;
    /** The power of ten of the last significant digit (0 for zero). */
    final long lowPower;

    private NumberText(boolean negative, String significand, long lowPower) {
        this.negative = negative;
        this.significand = significand;
        this.lowPower = lowPower;
    }

    boolean isZero() {
        return significand.isEmpty();
    }

    /** The power of ten of the first significant digit (0 for zero): 2 for 123, -1 for 0.5. */
    long highPower() {
        return isZero() ? 0 : lowPower + significand.length() - 1;
    }

    /** Digits before the decimal point, for a value whose bounds were checked. */
    long integerDigits() {
        return isZero() || highPower() < 0 ? 0 : highPower() + 1;
    }

    /** Digits after the decimal point, trailing zeros not counted. */
    long fractionDigits() {
        return isZero() || lowPower >= 0 ? 0 : -lowPower;
    }

    /** Builds the value; call only once the bounds are known to be small. */
    BigDecimal toBigDecimal() {
        if (isZero()) {
            return BigDecimal.ZERO;
        }
        BigInteger unscaled = new BigInteger(significand);
        BigDecimal value = new BigDecimal(negative ? unscaled.negate() : unscaled, Math.toIntExact(-lowPower));
        // Scale 0 rather than negative: the value as plain digits, as it was sent.
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    /**
     * Scans {@code text} (surrounding white space ignored).
     *
     * @param decimal whether a fraction and an exponent are allowed
     * @return the number, or null when the text is not one
     */
    static NumberText scan(String text, boolean decimal) {
        int end = text.length();
        int i = 0;
        while (i < end && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        while (end > i && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        boolean negative = false;
        if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        // Digits before and after the point, as index ranges; the significant ones are found as we go.
        int firstNonZero = -1;
        int lastNonZero = -1;
        long digitsAfterLast = 0; // digits (of either part) after the last non-zero one
        int fractionLength = 0;
        int digits = 0;
        boolean inFraction = false;
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                if (inFraction) {
                    fractionLength++;
                }
                if (c != '0') {
                    if (firstNonZero < 0) {
                        firstNonZero = i;
                    }
                    lastNonZero = i;
                    digitsAfterLast = 0;
                } else {
                    digitsAfterLast++;
                }
            } else if (c == '.' && decimal && !inFraction) {
                inFraction = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return null;
        }
        long exponent = 0;
        if (i < end) {
            char e = text.charAt(i);
            if (!decimal || (e != 'e' && e != 'E')) {
                return null;
            }
            i++;
            boolean negativeExponent = false;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                negativeExponent = text.charAt(i) == '-';
                i++;
            }
            int exponentDigits = 0;
            int significantExponentDigits = 0;
            for (; i < end; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                exponentDigits++;
                if (significantExponentDigits > 0 || c != '0') {
                    if (++significantExponentDigits > MAX_EXPONENT_DIGITS) {
                        return null;
                    }
                    exponent = exponent * 10 + (c - '0');
                }
            }
            if (exponentDigits == 0) {
                return null;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (firstNonZero < 0) {
            return new NumberText(negative, "", 0);
        }
        String significand = text.substring(firstNonZero, lastNonZero + 1);
        if (significand.indexOf('.') >= 0) {
            significand = significand.replace(".", "");
        }
        // The last significant digit's power: the digits after it, less those of the fraction, plus e.
        long lowPower = digitsAfterLast - fractionLength + exponent;
        return new NumberText(negative, significand, lowPower);
    }
}
