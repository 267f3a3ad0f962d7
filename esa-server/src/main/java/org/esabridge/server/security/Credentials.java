package org.esabridge.server.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * An {@code Authorization} header taken apart once, the same way for checking it and for remembering that
 * it passed, so that two spellings of the same credentials ({@code basic} or {@code Basic}, one space or
 * three, base64 with or without padding) are the same credentials to both.
 *
 * @param scheme the scheme, lower case: {@code basic}, {@code bearer} or another the server does not accept
 * @param value  for Basic the decoded {@code user:password}; else the text after the scheme
 */
record Credentials(String scheme, String value) {

    /** @return the parts, or null when the header is not {@code <scheme> <value>} or Basic is not base64 */
    static Credentials parse(String header) {
        String text = header.strip();
        int end = 0;
        while (end < text.length() && !isSpace(text.charAt(end))) {
            end++;
        }
        if (end == 0 || end == text.length()) {
            return null;
        }
        String scheme = text.substring(0, end).toLowerCase(Locale.ROOT);
        String value = text.substring(end).strip();
        if (scheme.equals("basic")) {
            try {
                value = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return new Credentials(scheme, value);
    }

    /** One text per credentials whatever their spelling; it holds the secret, so only its hash is kept. */
    String canonical() {
        return scheme + " " + value;
    }

    /** Never the value: a record's own toString would put the password into whatever logs it. */
    @Override
    public String toString() {
        return "Credentials[" + scheme + " ****]";
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
