package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificateTest {

    @Test
    void generatedOnceAndReusedOnRestart(@TempDir Path dataDir) throws Exception {
        TlsIdentity first = SelfSignedCertificate.loadOrCreate(dataDir);
        TlsIdentity again = SelfSignedCertificate.loadOrCreate(dataDir);
        assertTrue(first.selfSigned());
        assertEquals(first.sha256Fingerprint(), again.sha256Fingerprint());
        assertEquals(first.password(), again.password());
        assertEquals(dataDir.resolve("tls/esa-selfsigned.p12"), first.keystore());
    }

    @Test
    void keystoreAndPasswordAreReadableByTheOwnerOnly(@TempDir Path dataDir) throws Exception {
        SelfSignedCertificate.loadOrCreate(dataDir);
        Path tls = dataDir.resolve("tls");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tls.resolve(SelfSignedCertificate.PASSWORD_FILE))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tls.resolve(SelfSignedCertificate.KEYSTORE_FILE))));
        try (var files = Files.list(tls)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void certificateNamesLocalhostAndLoopbackForTenYears(@TempDir Path dataDir) throws Exception {
        X509Certificate certificate = (X509Certificate) SelfSignedCertificate.loadOrCreate(dataDir).certificate();
        List<String> names = certificate.getSubjectAlternativeNames().stream()
                .map(name -> String.valueOf(name.get(1))).collect(Collectors.toList());
        assertTrue(names.contains("localhost"), names.toString());
        assertTrue(names.contains("127.0.0.1"), names.toString());
        Duration validity = Duration.between(Instant.now(), certificate.getNotAfter().toInstant());
        assertTrue(validity.toDays() > 3640, "valid for " + validity.toDays() + " days");
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
    }
}
