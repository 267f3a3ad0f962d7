package org.esabridge.jdbc.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Who holds a lease: readable in {@code esa_lease} (host and process) and unique (a random suffix). */
public final class NodeId {
    private static final String PROCESS = host() + "/" + ManagementFactory.getRuntimeMXBean().getPid();

    private NodeId() {
    }

    /** A new holder id for {@code purpose} in this process, at most 128 characters. */
    public static String next(String purpose) {
        String id = purpose + "@" + PROCESS + "/" + UUID.randomUUID().toString().substring(0, 8);
        return id.length() <= 128 ? id : id.substring(id.length() - 128);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
