package org.esabridge.api.helper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Turns a configured PKCS12 trust store into the {@link SSLContext} the HTTP client uses. */
final class TrustStores {
    private TrustStores() {
    }

    /** @throws IllegalArgumentException naming the setting when the file cannot be read or is no trust store */
    static SSLContext sslContext(HelperApiConfig.TrustStore trustStore) {
        try (InputStream in = Files.newInputStream(trustStore.path())) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, trustStore.password().toCharArray());
            if (keys.size() == 0) {
                throw new IllegalArgumentException("trustStore " + trustStore.path() + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // a wrong password surfaces as an IOException too; the JDK's message says which
            throw new IllegalArgumentException("trustStore " + trustStore.path() + " cannot be read as PKCS12: "
                    + e.getMessage(), e);
        }
    }
}
