package org.esabridge.jdbc.mariadb.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code TRUNCATE} statement as the binary log carries it (the text the client sent), read for the one thing the
 * reader needs: which table it empties. Comments are dropped first ({@code /* … *}{@code /}, {@code -- …},
 * {@code # …}; an executable {@code /*! … *}{@code /} keeps its content, as the server runs it), so a comment
 * naming a schema neither hides the statement nor passes for its target.
 */
final class TruncateStatement {
    private static final Pattern TRUNCATE = Pattern.compile("(?i)TRUNCATE\\b.*", Pattern.DOTALL);
    /** {@code TRUNCATE [TABLE] [schema.]table}, names bare or in backquotes (doubled backquotes inside). */
    private static final Pattern TABLE = Pattern.compile(
            "(?i)TRUNCATE\\s+(?:TABLE\\s+)?(?:(`(?:[^`]|``)+`|[\\w$]+)\\s*\\.\\s*)?(`(?:[^`]|``)+`|[\\w$]+)\\s*;?\\s*");

    /** The statement's code without comments, trimmed. */
    final String code;

    private TruncateStatement(String code) {
        this.code = code;
    }

    /** The statement, or null when it is not a TRUNCATE. */
    static TruncateStatement of(String sql) {
        String code = withoutComments(sql == null ? "" : sql).trim();
        return TRUNCATE.matcher(code).matches() ? new TruncateStatement(code) : null;
    }

    /** {schema or null, table} when the statement names one table plainly, else null. */
    String[] target() {
        Matcher m = TABLE.matcher(code);
        if (!m.matches()) {
            return null;
        }
        return new String[] {m.group(1) == null ? null : unquote(m.group(1)), unquote(m.group(2))};
    }

    private static String unquote(String name) {
        return name.startsWith("`") ? name.substring(1, name.length() - 1).replace("``", "`") : name;
    }

    static String withoutComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        boolean inExecutable = false;
        while (i < n) {
            char ch = sql.charAt(i);
            if (ch == '`' || ch == '\'' || ch == '"') {
                int end = i + 1;
                while (end < n) {
                    if (sql.charAt(end) == ch) {
                        if (end + 1 < n && sql.charAt(end + 1) == ch) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end += ch != '`' && sql.charAt(end) == '\\' ? 2 : 1;
                }
                out.append(sql, i, Math.min(n, end + 1));
                i = end + 1;
            } else if (sql.startsWith("/*!", i) || sql.startsWith("/*M!", i)) {
                i += sql.startsWith("/*!", i) ? 3 : 4;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                inExecutable = true;
                out.append(' ');
            } else if (inExecutable && sql.startsWith("*/", i)) {
                inExecutable = false;
                i += 2;
                out.append(' ');
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (ch == '#' || (sql.startsWith("--", i) && (i + 2 == n || Character.isWhitespace(sql.charAt(i + 2))))) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                out.append(' ');
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }
}
