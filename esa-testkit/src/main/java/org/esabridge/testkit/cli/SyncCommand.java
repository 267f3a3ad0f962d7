package org.esabridge.testkit.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.esabridge.testkit.EsaClient;
import org.esabridge.testkit.Replica;
import org.esabridge.testkit.ReplicaFile;
import org.esabridge.testkit.SyncHostSimulator;
import org.esabridge.testkit.SyncProgress;
import org.esabridge.testkit.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sync}: one sync cycle as a host runs it, with the replica kept in the state directory. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Syncs an ESA into a local replica like a sync host does (esa-protocol.md §7); "
                + "a second run with the same --state-dir is incremental.")
public final class SyncCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--structures", split = ",", paramLabel = "NAME",
            description = "Structures to sync (comma-separated). Default: all the ESA lists.")
    List<String> structures;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "./esa-sync-state",
            description = "Where the replica is kept (" + ReplicaFile.NAME + "). Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Replica replica = ReplicaFile.load(stateDir);
        SyncReport report;
        try (EsaClient client = connection.client()) {
            report = new SyncHostSimulator(client, replica, new SyncHostSimulator.Options(
                    connection.externalSystemId, structures, new ProgressLine(out), null)).run();
        }
        ReplicaFile.save(replica, stateDir);
        out.print(report.summary());
        out.println("replica: " + stateDir.resolve(ReplicaFile.NAME));
        return report.errors().isEmpty() ? 0 : 1;
    }

    /** One line per structure, rewritten in place on a terminal, printed once when done otherwise. */
    static final class ProgressLine implements SyncProgress {
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private long started;
        private long lastPrint;

        ProgressLine(PrintStream out) {
            this.out = out;
        }

        @Override
        public void structureStarted(String structure) {
            started = System.nanoTime();
            lastPrint = 0;
        }

        @Override
        public void received(String structure, long records, long pages, long pageCount) {
            long now = System.nanoTime();
            if (terminal && now - lastPrint > 200_000_000L) {
                lastPrint = now;
                String of = pageCount > 0 ? "/" + pageCount : "";
                out.print(String.format(Locale.ROOT, "\r%-24s %,12d records %6d%s pages %,10.0f records/s", structure,
                        records, pages, of, records / Math.max(1e-9, (now - started) / 1e9)));
                out.flush();
            }
        }

        @Override
        public void structureDone(SyncReport.StructureStats s) {
            double seconds = Math.max(1e-9, s.duration().toNanos() / 1e9);
            out.print(String.format(Locale.ROOT, "%s%-24s %,12d records %6d pages %,10.0f records/s  %d deletions, "
                            + "%d created, %d updated, %d deleted%s%n", terminal ? "\r" : "", s.structure(), s.records(),
                    s.pages(), s.records() / seconds, s.deletes(), s.created(), s.updated(), s.deleted(),
                    s.paged() ? "  (paged)" : ""));
        }
    }
}
