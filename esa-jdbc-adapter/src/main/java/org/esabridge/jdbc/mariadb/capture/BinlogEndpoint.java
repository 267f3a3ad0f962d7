package org.esabridge.jdbc.mariadb.capture;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import java.util.concurrent.ThreadLocalRandom;
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
    /**
     * The binlog client logs every connect at INFO through java.util.logging (positions included); our own lines say
     * what matters. Held here, where every client is made: JUL keeps loggers only weakly.
     */
    private static final java.util.logging.Logger CLIENT_LOG = quietClientLog();

    private static java.util.logging.Logger quietClientLog() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog");
        log.setLevel(java.util.logging.Level.WARNING);
        return log;
    }

    /**
     * A replication client of this endpoint with a replica id of its own: MariaDB drops an older replica connection
     * that uses the same id, so several adapters, a stale reader or the start's probe would otherwise disconnect
     * each other.
     */
    BinaryLogClient newClient() {
        BinaryLogClient client = new BinaryLogClient(host, port, user, password);
        client.setServerId(ThreadLocalRandom.current().nextLong(1L << 16, 1L << 32));
        client.setKeepAlive(false);
        return client;
    }

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
