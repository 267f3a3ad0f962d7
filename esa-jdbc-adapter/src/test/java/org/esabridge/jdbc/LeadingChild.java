package org.esabridge.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A node in a child JVM of its own, for tests that stop or kill the node that reads the log: the child says
 * {@value #LEADS} on its standard output once its node reads the log ({@link #announce}), and the test goes on once
 * it has ({@link #start}).
 */
final class LeadingChild {
    static final String LEADS = "leads";

    private LeadingChild() {
    }

    /**
     * Starts {@code main} in a child JVM with this JVM's class path, its standard error into {@code log}; returns once
     * the child leads. A child that does not is ended, and the test fails naming its log.
     */
    static Process start(Class<?> main, Path log, String... args) throws IOException {
        String[] command = new String[4 + args.length];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = main.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!LEADS.equals(line)) {
            child.destroyForcibly();
            throw new AssertionError("the child JVM did not lead: it said " + line + " (its log: " + log + ")");
        }
        return child;
    }

    /** In the child: waits until {@code node} reads the log (60 s at most, else exits with 1), then says so. */
    static void announce(JdbcAdapter node) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!node.captureStatus().leader()) {
            if (System.nanoTime() > deadline) {
                System.exit(1);
            }
            Thread.sleep(20); // the child's own wait for its lease; the test waits on its line
        }
        System.out.println(LEADS);
        System.out.flush();
    }
}
