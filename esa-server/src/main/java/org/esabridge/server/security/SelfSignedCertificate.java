package org.esabridge.server.security;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.esabridge.api.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate used when no keystore is configured: generated once into {@code <data-dir>/tls/} and
 * reused on every restart, so that a host that pinned or trusted it keeps working.
 *
 * <p>Scheme: an EC P-256 key (fast to generate, supported by every TLS 1.2/1.3 client), SHA256withECDSA,
 * valid 10 years, subject alternative names localhost, 127.0.0.1, ::1 and the machine's host name. The
 * keystore password is 32 random bytes (base64) in {@code esa-selfsigned.password} beside the keystore; both
 * files and the folder are readable by the owner only where the file system has POSIX permissions.
 */
public final class SelfSignedCertificate {

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);

    static final String KEYSTORE_FILE = "esa-selfsigned.p12";
    static final String PASSWORD_FILE = "esa-selfsigned.password";
    private static final String ALIAS = "esa-bridge";
    private static final Duration VALIDITY = Duration.ofDays(3653);

    private SelfSignedCertificate() {
    }

    /** The existing self-signed identity under {@code dataDir/tls}, or a new one written there. */
    public static TlsIdentity loadOrCreate(Path dataDir) throws IOException, GeneralSecurityException {
        Path tls = dataDir.resolve("tls");
        Path keystore = tls.resolve(KEYSTORE_FILE);
        Path passwordFile = tls.resolve(PASSWORD_FILE);
        if (Files.exists(keystore) && Files.exists(passwordFile)) {
            String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).trim();
            TlsIdentity identity = new TlsIdentity(keystore, password, true);
            identity.load();
            return identity;
        }
        OwnerOnlyFiles.createDirectories(tls);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getEncoder().encodeToString(secret);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        KeyPair keyPair = newKeyPair();
        store.setKeyEntry(ALIAS, keyPair.getPrivate(), password.toCharArray(),
                new Certificate[] {certificate(keyPair, hostNames())});
        // Written under temporary names and moved into place, so a crash never leaves a keystore whose
        // password file is missing.
        Path tmpPassword = writeOwnerOnly(tls, password.getBytes(StandardCharsets.US_ASCII));
        Path tmpKeystore = Files.createTempFile(tls, "keystore", ".tmp", OwnerOnlyFiles.attributes(false));
        try (OutputStream out = Files.newOutputStream(tmpKeystore)) {
            store.store(out, password.toCharArray());
        }
        Files.move(tmpPassword, passwordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpKeystore, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Generated a self-signed TLS certificate in {}", keystore);
        return new TlsIdentity(keystore, password, true);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(KeyPair keyPair, Set<String> dnsNames) throws GeneralSecurityException,
            IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=esa-bridge self-signed");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)),
                subject, keyPair.getPublic());
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the self-signed certificate", e);
        }
    }

    /** localhost and the machine's name, when it has a usable one. */
    private static Set<String> hostNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        try {
            InetAddress local = InetAddress.getLocalHost();
            for (String name : List.of(local.getHostName(), local.getCanonicalHostName())) {
                if (name.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*") && name.matches(".*[A-Za-z].*")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            LOG.debug("No host name for the certificate; localhost only", e);
        }
        return names;
    }

    private static Path writeOwnerOnly(Path dir, byte[] content) throws IOException {
        Path file = Files.createTempFile(dir, "password", ".tmp", OwnerOnlyFiles.attributes(false));
        Files.write(file, content);
        return file;
    }
}
