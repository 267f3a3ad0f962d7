package org.esabridge.jdbc.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and as whom the binlog reader connects: the JDBC URL's first host, and the pool's account.
 *
 * @param host     host name or address
 * @param port     TCP port
 * @param user     account
 * @param password its password; never logged
 */
public record BinlogEndpoint(String host, int port, String user, String password) {
    private static final Pattern URL = Pattern.compile("^jdbc:(?:mariadb|mysql):(?:[a-z:]*)//(\\[[^]]+]|[^:/,?]+)(?::(\\d+))?.*");

    /** From a {@code jdbc:mariadb://host:port/db} URL (the first host of a list). */
    public static BinlogEndpoint of(String jdbcUrl, String user, String password) {
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a jdbc:mariadb:// URL with a host");
        }
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        return new BinlogEndpoint(host, m.group(2) == null ? 3306 : Integer.parseInt(m.group(2)), user, password);
    }

    @Override
    public String toString() {
        return "BinlogEndpoint[" + user + "@" + host + ":" + port + "]";
    }
}
