package org.esabridge.server.config;

import org.esabridge.api.xml.XmlLimits;

/**
 * The bounds on what one caller can make the server do (issue 6 §2). The database's own bounds
 * ({@code query-timeout-seconds}, {@code page-size}, {@code pool-size}) are the adapter's settings.
 *
 * @param xml                      nesting, element, attribute and text bounds of a request document
 * @param maxConcurrentCalls       calls served at once; more are answered 503 at once
 * @param maxCallsPerPrincipal     calls one principal may have in progress at once; more are answered 503 at once
 * @param idleTimeoutSeconds       a connection silent this long is closed
 * @param minRequestBytesPerSecond a slower request body is abandoned
 * @param responseWriteTimeoutSeconds  time an answer may wait for its client beyond what the rate allows
 * @param minResponseBytesPerSecond    each such many bytes of an answer allow its client one more second
 */
public record Limits(XmlLimits xml, int maxConcurrentCalls, int maxCallsPerPrincipal, int idleTimeoutSeconds,
                     int minRequestBytesPerSecond, int responseWriteTimeoutSeconds, int minResponseBytesPerSecond) {
}
