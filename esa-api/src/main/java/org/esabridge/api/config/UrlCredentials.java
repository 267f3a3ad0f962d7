package org.esabridge.api.config;

import java.util.regex.Pattern;

/**
 * Credentials written into a URL, masked for a log line: the user info ({@code scheme://user:secret@host}) and the
 * value of every query or property parameter whose name holds "password", in any case ({@code ?password=…},
 * {@code &password=…}, {@code ;trustStorePassword=…}, as JDBC URLs take them). A URL-typed setting is not a secret
 * as a whole — the host and database it names belong in the effective configuration — but these parts are.
 */
public final class UrlCredentials {
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@?#\\s]*@");
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)([?&;][^=&;#?\\s]*password[^=&;#?\\s]*=)[^&;#\\s]*");

    private UrlCredentials() {
    }

    /** The text with URL user info and password parameters replaced by {@link Setting#MASK}; null stays null. */
    public static String masked(String text) {
        if (text == null || !text.contains("://") && !text.contains("=")) {
            return text;
        }
        String masked = USER_INFO.matcher(text).replaceAll(Setting.MASK + "@");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1" + Setting.MASK.replace("*", "\\*"));
    }
}
