package org.esabridge.testkit;

import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import javax.net.ssl.SSLHandshakeException;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * What a failed {@code sync} or {@code check} tells its user: for the failures a first try meets — a self-signed
 * certificate, missing credentials, a foreign external system id, nothing listening — the option that fixes it,
 * instead of the JDK's words ({@code PKIX path building failed}).
 */
public final class FriendlyErrors {

    private FriendlyErrors() {
    }

    /** The failure's message, with the option that fixes it where one does. */
    public static String explain(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException
                    || cause instanceof SSLHandshakeException && String.valueOf(cause.getMessage()).contains("PKIX")) {
                return "the ESA's TLS certificate is not trusted (" + firstLine(cause.getMessage()) + "). For an "
                        + "esa-bridge server with its generated certificate give --server-data-dir DIR (the directory "
                        + "it was started with, e.g. ./esa-data; it also brings the generated token); else "
                        + "--trust-store FILE (its certificate or CA, PKCS12 or PEM), or --insecure for a first look.";
            }
            if (cause instanceof ConnectException) {
                return "nothing answers at the ESA's address (" + firstLine(cause.getMessage()) + "): is it running, "
                        + "and do --url (or --listen) name its host and port?";
            }
        }
        if (failure instanceof EsaException e && e.code() == ErrorCode.UNAUTHORIZED) {
            return message.contains("external system")
                    ? message + " — the ESA accepts one external system id only (its external-system-id setting): "
                            + "send that one with --external-system-id ID (default: esa-testkit)."
                    : message + " — the ESA wants credentials: --token or --token-file, --user with --password, or "
                            + "--server-data-dir DIR for the token an esa-bridge server generated there.";
        }
        if (message.startsWith("HTTP 401")) {
            return message + " — the ESA wants credentials: --token or --token-file, --user with --password, or "
                    + "--server-data-dir DIR for the token an esa-bridge server generated there.";
        }
        if (message.startsWith("HTTP 403")) {
            return message + " — the ESA accepts one external system id only (its external-system-id setting): "
                    + "send that one with --external-system-id ID (default: esa-testkit).";
        }
        return message;
    }

    private static String firstLine(String text) {
        String line = String.valueOf(text);
        int end = line.indexOf('\n');
        return end < 0 ? line : line.substring(0, end);
    }
}
