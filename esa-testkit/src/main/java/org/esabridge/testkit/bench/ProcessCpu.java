package org.esabridge.testkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (Linux; elsewhere every figure is NaN): of this JVM's
 * children that ended and were waited for (curl, the {@code mariadb} client), and of a running process (the
 * database server). In clock ticks of 10 ms, so figures over a fraction of a second are rough.
 */
final class ProcessCpu {
    /** {@code USER_HZ}: 100 on every Linux the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** User and system seconds of this process's children that were waited for (cutime + cstime). */
    static double childrenSeconds() {
        return seconds("self", 13, 14);
    }

    /**
     * User and system seconds of a running process, its live descendants (PostgreSQL's backends) and the children it
     * waited for; NaN when it cannot be read.
     */
    static double ofTree(ProcessHandle root) {
        double sum = seconds(Long.toString(root.pid()), 11, 12) + seconds(Long.toString(root.pid()), 13, 14);
        for (ProcessHandle p : root.descendants().toList()) {
            double s = seconds(Long.toString(p.pid()), 11, 12);
            sum += Double.isNaN(s) ? 0 : s; // ended meanwhile: counted in its parent's children's times
        }
        return sum;
    }

    /** The database server this JVM started (the embedded MariaDB, a private PostgreSQL's postmaster), if any. */
    static Optional<ProcessHandle> databaseServer() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld")
                        || c.endsWith("postgres")).orElse(false))
                .findFirst();
    }

    /** Fields {@code a} and {@code b} counted after the command's closing parenthesis (the state is field 0). */
    private static double seconds(String pid, int a, int b) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[a]) + Long.parseLong(f[b])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
