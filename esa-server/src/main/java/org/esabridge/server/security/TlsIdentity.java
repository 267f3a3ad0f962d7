package org.esabridge.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The server's TLS key and certificate: a PKCS12 keystore and its password.
 *
 * @param keystore   the PKCS12 file
 * @param password   its password (also the key's)
 * @param selfSigned whether esa-bridge generated it
 */
public record TlsIdentity(Path keystore, String password, boolean selfSigned) {

    public TlsIdentity {
        Objects.requireNonNull(keystore, "keystore == null");
        Objects.requireNonNull(password, "password == null");
    }

    /** Loads the keystore, failing early with a readable message when the file or password is wrong. */
    public KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        } catch (IOException e) {
            throw new IOException("cannot read keystore " + keystore + " (wrong file or password)", e);
        }
        return store;
    }

    /** The first key entry's certificate. */
    public Certificate certificate() throws IOException, GeneralSecurityException {
        KeyStore store = load();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return store.getCertificate(alias);
            }
        }
        throw new GeneralSecurityException("keystore " + keystore + " holds no key entry");
    }

    /** SHA-256 fingerprint of the certificate as colon-separated hex, as browsers and openssl show it. */
    public String sha256Fingerprint() throws IOException, GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
