package org.esabridge.server.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar esa-server.jar hash-password} and {@code … new-token}: print what goes into the
 * configuration file, so that nobody ever writes a plain password or token there. The password is read
 * from the console without echo, or from the first line of standard input — never from the command line,
 * where it would stay in the shell history and the process list.
 */
public final class CredentialCommands {
    public static final List<String> NAMES = List.of("hash-password", "new-token");

    private CredentialCommands() {
    }

    /** @return the exit code */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args[0].equals("new-token")) {
            String token = Tokens.newToken();
            out.println("# Give the token to the sync host (Authorization: Bearer <token>); keep only the hash here.");
            out.println("# token: " + token);
            out.println("auth-token-sha256=" + Tokens.sha256Hex(token));
            return 0;
        }
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        if (args.length == 3 && args[1].equals("--iterations")) {
            try {
                iterations = Math.max(PasswordHash.MIN_ITERATIONS, Integer.parseInt(args[2]));
            } catch (NumberFormatException e) {
                err.println("esa-server hash-password: --iterations needs a number");
                return 2;
            }
        } else if (args.length != 1) {
            err.println("usage: esa-server hash-password [--iterations N]   (reads the password from the console or stdin)");
            return 2;
        }
        char[] password;
        try {
            password = readPassword();
        } catch (IOException e) {
            err.println("esa-server hash-password: cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null || password.length == 0) {
            err.println("esa-server hash-password: empty password");
            return 1;
        }
        try {
            out.println("auth-password-hash=" + PasswordHash.create(password, iterations));
        } finally {
            Arrays.fill(password, '\0');
        }
        return 0;
    }

    private static char[] readPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            return console.readPassword("password: ");
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
