package org.esabridge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS trust an {@link EsaClient} needs: the JDK's defaults, a given trust store, esa-bridge's own self-signed certificate, or (explicitly) none. */
public final class ClientTls {
    /** Where esa-bridge keeps its generated certificate, relative to its data directory. */
    static final String SELF_SIGNED_KEYSTORE = "tls/esa-selfsigned.p12";
    static final String SELF_SIGNED_PASSWORD = "tls/esa-selfsigned.password";

    private ClientTls() {
    }

    /** The JDK's default trust (the cacerts of the running Java). */
    public static SSLContext systemDefault() throws GeneralSecurityException {
        return SSLContext.getDefault();
    }

    /**
     * Trusts the certificates of a PKCS12 trust store, or of one PEM or DER certificate file.
     *
     * @param password the store's password, or null for a certificate file or a store without one
     */
    public static SSLContext trustStore(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore trusted = emptyStore();
        byte[] bytes = Files.readAllBytes(file);
        if (looksLikeCertificate(bytes)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Certificate c : factory.generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
                trusted.setCertificateEntry("cert-" + n++, c);
            }
        } else {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
                store.load(in, password == null ? new char[0] : password.toCharArray());
            }
            copyCertificates(store, trusted);
        }
        if (trusted.size() == 0) {
            throw new GeneralSecurityException(file + " holds no certificate");
        }
        return trusting(trusted);
    }

    /**
     * Trusts exactly the self-signed certificate an esa-bridge server generated under its data directory
     * ({@code <data-dir>/tls/esa-selfsigned.p12}, password in {@code esa-selfsigned.password} beside it).
     */
    public static SSLContext selfSignedOf(Path serverDataDir) throws IOException, GeneralSecurityException {
        Path keystore = serverDataDir.resolve(SELF_SIGNED_KEYSTORE);
        Path passwordFile = serverDataDir.resolve(SELF_SIGNED_PASSWORD);
        if (!Files.exists(keystore) || !Files.exists(passwordFile)) {
            throw new IOException("no self-signed certificate of esa-bridge under " + serverDataDir.resolve("tls"));
        }
        return trustStore(keystore, Files.readString(passwordFile, StandardCharsets.US_ASCII).trim());
    }

    /** Trusts whatever certificate the server shows, without a host name check: for --insecure only. */
    public static SSLContext trustAnything() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAnything()}, null);
        return context;
    }

    private static boolean looksLikeCertificate(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII);
        // DER certificates start with a SEQUENCE whose first element is another SEQUENCE (0x30 0x82 .. 0x30);
        // PKCS12 files start with SEQUENCE, INTEGER (version 3).
        return head.contains("-----BEGIN CERTIFICATE")
                || bytes.length > 4 && (bytes[0] & 0xff) == 0x30 && (bytes[4] & 0xff) == 0x30;
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static void copyCertificates(KeyStore from, KeyStore to) throws GeneralSecurityException {
        for (String alias : Collections.list(from.aliases())) {
            Certificate c = from.getCertificate(alias); // the end certificate of a key entry too
            if (c != null) {
                to.setCertificateEntry(alias, c);
            }
        }
    }

    private static SSLContext trusting(KeyStore trusted) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** Extended, so that the JDK does not add its own host name check around it. */
    private static final class TrustAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
