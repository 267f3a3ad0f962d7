package org.esabridge.server.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Credentials that passed their check, so a sync's many calls do not each pay PBKDF2, and so that a brute
 * force from the host's own address cannot lock the host out ({@link LoginGate}). Only credentials that
 * passed are ever put in, keyed by the SHA-256 of their {@link Credentials#canonical() canonical} form:
 * header variants of the same credentials are one entry, and the plain header is never kept.
 *
 * <p>At most {@link #MAX_REMEMBERED} entries, the least recently used forgotten first. Since only correct
 * credentials get in, and each has one canonical form, there are as many entries as configured credentials;
 * the bound is a backstop. (Stopping to insert when full, as before, let a client spelling its header many
 * ways keep the real host from ever being remembered.)
 */
final class RememberedCredentials {
    static final int MAX_REMEMBERED = 64;

    private final Map<String, String> principals = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** The principal of credentials that passed before, or null. */
    String principal(Credentials credentials) {
        String key = key(credentials);
        synchronized (principals) {
            return principals.get(key);
        }
    }

    void remember(Credentials credentials, String principal) {
        String key = key(credentials);
        synchronized (principals) {
            principals.put(key, principal);
        }
    }

    int size() {
        synchronized (principals) {
            return principals.size();
        }
    }

    private static String key(Credentials credentials) {
        return Tokens.sha256Hex(credentials.canonical());
    }
}
