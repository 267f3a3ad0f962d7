package org.esabridge.jdbc.mariadb.capture;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.ServerException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this server and account allow binlog capture, found by trying rather than by parsing grants: the server
 * settings are read, the binary log's status is asked for (BINLOG MONITOR), and a short replication handshake is
 * made (REPLICATION SLAVE). Each missing piece is named with the exact remedy: a my.cnf line or a GRANT.
 */
public final class BinlogAccess {
    /** MariaDB's refusal for a missing privilege. */
    private static final int ACCESS_DENIED = 1227;
    private static final long HANDSHAKE_MILLIS = 5000;

    private BinlogAccess() {
    }

    /** What is missing, each with its remedy; empty when binlog capture can run. */
    public static List<String> missing(Connection c, BinlogEndpoint endpoint) throws SQLException {
        List<String> missing = new ArrayList<>();
        String account = account(c);
        String logBin = variable(c, "log_bin");
        if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
            missing.add("the binary log is off (my.cnf [mariadb]: log_bin=mariadb-bin, binlog_format=ROW,"
                    + " binlog_row_image=FULL, server_id=1)");
            return missing;
        }
        String format = variable(c, "binlog_format");
        if (!"ROW".equalsIgnoreCase(format)) {
            missing.add("binlog_format is " + format + " (my.cnf: binlog_format=ROW)");
        }
        String image = variable(c, "binlog_row_image");
        if (image != null && !"FULL".equalsIgnoreCase(image)) {
            missing.add("binlog_row_image is " + image + " (my.cnf: binlog_row_image=FULL)");
        }
        String wsrep = variable(c, "wsrep_on");
        if ("ON".equalsIgnoreCase(wsrep) && !"ON".equalsIgnoreCase(variable(c, "log_slave_updates"))) {
            missing.add("on Galera every node must log the others' writes (my.cnf: log_slave_updates=ON)");
        }
        String gtid = variable(c, "gtid_binlog_pos");
        String file = null;
        long pos = 4;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (rs.next()) {
                file = rs.getString(1);
                pos = rs.getLong(2);
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != ACCESS_DENIED) {
                throw e;
            }
            missing.add("the account may not read the binary log's position (GRANT BINLOG MONITOR ON *.* TO " + account + ")");
        }
        if (!missing.isEmpty() && (gtid == null || gtid.isEmpty()) && file == null) {
            missing.add("the account may not read the binary log (GRANT REPLICATION SLAVE ON *.* TO " + account + ")");
            return missing;
        }
        String refused = handshake(endpoint, gtid, file, pos);
        if (refused != null) {
            missing.add(refused.equals("denied")
                    ? "the account may not read the binary log (GRANT REPLICATION SLAVE ON *.* TO " + account + ")"
                    : "the binary log could not be read: " + refused);
        }
        return missing;
    }

    /** A replica's handshake at the log's end: null when the server starts streaming, else why not. */
    private static String handshake(BinlogEndpoint endpoint, String gtid, String file, long pos) {
        BinaryLogClient client = endpoint.newClient();
        if (gtid != null && !gtid.isEmpty()) {
            client.setGtidSet(gtid);
        } else {
            client.setBinlogFilename(file);
            client.setBinlogPosition(pos);
        }
        CountDownLatch answered = new CountDownLatch(1);
        AtomicReference<String> refusal = new AtomicReference<>();
        client.registerEventListener(e -> answered.countDown());
        client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onCommunicationFailure(BinaryLogClient c, Exception e) {
                refusal.compareAndSet(null, reason(e));
                answered.countDown();
            }
        });
        Thread t = new Thread(() -> {
            try {
                client.connect();
            } catch (IOException | RuntimeException e) {
                refusal.compareAndSet(null, reason(e));
            } finally {
                answered.countDown();
            }
        }, "esa-binlog-probe");
        t.setDaemon(true);
        t.start();
        try {
            if (!answered.await(HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS)) {
                refusal.compareAndSet(null, "no answer within " + HANDSHAKE_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusal.compareAndSet(null, "interrupted");
        } finally {
            try {
                client.disconnect();
            } catch (IOException e) {
                // The probe is over either way.
            }
        }
        return refusal.get();
    }

    private static String reason(Exception e) {
        return e instanceof ServerException se && se.getErrorCode() == ACCESS_DENIED ? "denied" : String.valueOf(e.getMessage());
    }

    /** A global variable's value, or null when the server has no such variable. */
    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    /** The account as GRANT spells it: {@code 'app'@'10.0.0.%'}. */
    private static String account(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String current = rs.getString(1);
            int at = current.lastIndexOf('@');
            return at < 0 ? "'" + current + "'" : "'" + current.substring(0, at) + "'@'" + current.substring(at + 1) + "'";
        }
    }
}
