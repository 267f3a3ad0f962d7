package org.esabridge.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and the git commit this jar was built from, as the build wrote them into
 * {@code build.properties}. A build without git (a source tarball) records no commit; it is then "unknown".
 */
record BuildInfo(String version, String commit) {
    private static final String UNKNOWN = "unknown";

    static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // Falls through to "unknown": the version line must never stop anything.
        }
        String commit = known(properties.getProperty("commit"));
        if (commit.endsWith("-dirty")) {
            commit = commit.substring(0, commit.length() - "-dirty".length()) + " (with uncommitted changes)";
        }
        return new BuildInfo(known(properties.getProperty("version")), commit);
    }

    /** A property the build did not fill in is left as {@code ${…}} by resource filtering. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.trim();
    }

    /** The {@code --version} line. */
    String line() {
        return "esa-bridge " + version + ", commit " + commit;
    }
}
