package org.esabridge.testkit.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.esabridge.testkit.ConformanceSuite;
import org.esabridge.testkit.EsaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check}: the conformance suite against any ESA; exit code 1 when a check fails. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks an ESA against the protocol and prints PASS/FAIL/SKIP per check with the reason. "
                + "Creates, updates and deletes one record in a writable structure unless --read-only.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--read-only", description = "Skip the checks that write.")
    boolean readOnly;

    @Option(names = "--write-structure", paramLabel = "NAME",
            description = "Structure for the write checks. Default: the first writable one that accepts a record.")
    String writeStructure;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        List<ConformanceSuite.Result> results;
        try (EsaClient client = connection.client()) {
            out.println("checking " + client.describe());
            results = new ConformanceSuite(client, new ConformanceSuite.Options(connection.externalSystemId, !readOnly,
                    writeStructure)).run(out::println);
        }
        long failed = results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.FAIL).count();
        long skipped = results.stream().filter(r -> r.outcome() == ConformanceSuite.Outcome.SKIP).count();
        out.println((failed == 0 ? "PASSED" : "FAILED") + ": " + (results.size() - failed - skipped) + " passed, "
                + failed + " failed, " + skipped + " skipped");
        return failed == 0 ? 0 : 1;
    }
}
