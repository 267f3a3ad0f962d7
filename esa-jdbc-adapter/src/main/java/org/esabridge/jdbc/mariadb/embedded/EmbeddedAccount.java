package org.esabridge.jdbc.mariadb.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.esabridge.api.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MariaDB's one login: user {@value #USER} with a random password generated at the first start and
 * kept, readable by its owner only, in a MariaDB client option file ({@value #FILE_NAME}) in the data directory,
 * so that an operator reaches the database with {@code mariadb --defaults-extra-file=<data-dir>/}{@value
 * #FILE_NAME}. The password is never printed or logged.
 *
 * <p>The account is (re)created at every start by the server's {@code --init-file}, which runs with every
 * privilege before the server accepts connections: no window in which grant checks are off, and data directories
 * of earlier versions (grant tables as {@code mysql_install_db} left them) are taken over in place. Then
 * {@link #dropPasswordlessAccounts} removes what the installer created that logs in without a password (the
 * anonymous accounts, and root by socket).
 */
final class EmbeddedAccount {
    static final String USER = "esa";
    static final String FILE_NAME = "embedded-mariadb.cnf";
    /** TCP logins arrive from 127.0.0.1 (the server resolves no names); 'localhost' is the operator's socket. */
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAccount.class);

    private final Path file;
    private final String password;

    private EmbeddedAccount(Path file, String password) {
        this.file = file;
        this.password = password;
    }

    /** The account of this data directory: its kept password, or a new one when there is none yet. */
    static EmbeddedAccount of(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        String kept = Files.exists(file) ? readPassword(file) : null;
        if (kept != null) {
            return new EmbeddedAccount(file, kept);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new EmbeddedAccount(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    private static String readPassword(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("password=")) {
                String value = trimmed.substring("password=".length()).strip();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    String user() {
        return USER;
    }

    String password() {
        return password;
    }

    Path file() {
        return file;
    }

    /** The statements of the server's init file: the account with this password and every privilege. */
    String initSql() {
        StringBuilder sql = new StringBuilder();
        for (String host : HOSTS) {
            String account = "'" + USER + "'@'" + host + "'";
            sql.append("CREATE USER IF NOT EXISTS ").append(account).append(" IDENTIFIED BY '").append(password)
                    .append("';\n");
            sql.append("ALTER USER ").append(account).append(" IDENTIFIED BY '").append(password).append("';\n");
            sql.append("GRANT ALL PRIVILEGES ON *.* TO ").append(account).append(" WITH GRANT OPTION;\n");
        }
        return sql.toString();
    }

    /** Writes the init file for one start, owner-only; the caller deletes it once the server is up. */
    Path writeInitFile(Path dir) throws IOException {
        Path init = dir.resolve("esa-init.sql");
        OwnerOnlyFiles.writeString(init, initSql());
        return init;
    }

    /** Writes the client option file with this start's port (the port is chosen afresh at each start). */
    void writeClientFile(int port) throws IOException {
        OwnerOnlyFiles.writeString(file, "# The embedded MariaDB's account, written by esa-bridge at every start."
                + " Keep it secret.\n"
                + "# Use: mariadb --defaults-extra-file=" + file.toAbsolutePath() + "\n"
                + "[client]\n"
                + "user=" + USER + "\n"
                + "password=" + password + "\n"
                + "host=127.0.0.1\n"
                + "port=" + port + "\n");
    }

    /**
     * Drops every account other than this one that logs in without a password: anonymous users, empty
     * passwords and socket authentication. Locked accounts (mariadb.sys) and roles cannot log in and stay.
     */
    static void dropPasswordlessAccounts(Connection connection) throws SQLException {
        List<String> accounts = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT User, Host FROM mysql.global_priv"
                     + " WHERE User <> '" + USER + "'"
                     + " AND IFNULL(JSON_EXTRACT(Priv, '$.is_role'), 'false') <> 'true'"
                     + " AND IFNULL(JSON_EXTRACT(Priv, '$.account_locked'), 'false') <> 'true'"
                     + " AND (User = '' OR IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = ''"
                     + " OR Priv LIKE '%unix_socket%' OR Priv LIKE '%named_pipe%')")) {
            while (rs.next()) {
                accounts.add(quoted(rs.getString(1)) + "@" + quoted(rs.getString(2)));
            }
        }
        try (Statement s = connection.createStatement()) {
            for (String account : accounts) {
                s.execute("DROP USER " + account);
            }
        }
        if (!accounts.isEmpty()) {
            LOG.info("embedded MariaDB: dropped {} account(s) that logged in without a password", accounts.size());
        }
    }

    private static String quoted(String name) {
        return "'" + name.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
