package org.esabridge.api.helper;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The wait before the next attempt: exponential from a base, capped; a host's {@code Retry-After}
 * (seconds or an HTTP date) lengthens it, within the same cap, so that a host asking for an hour cannot
 * stall the ESA for an hour.
 */
final class Backoff {
    private final Duration base;
    private final Duration max;

    Backoff(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /**
     * @param failedAttempts attempts made so far, at least 1
     * @param retryAfter     the host's {@code Retry-After} header, or null
     */
    Duration delay(int failedAttempts, String retryAfter, Instant now) {
        Duration exponential = base.multipliedBy(1L << Math.min(failedAttempts - 1, 30));
        Duration wait = exponential.compareTo(max) > 0 || exponential.isNegative() ? max : exponential;
        Duration asked = retryAfter(retryAfter, now);
        if (asked != null && asked.compareTo(wait) > 0) {
            wait = asked.compareTo(max) > 0 ? max : asked;
        }
        return wait;
    }

    /** The header as a duration, or null when absent or unreadable (then it is ignored). */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String text = header.strip();
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return text.length() > 9 ? Duration.ofSeconds(999_999_999L) : Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration until = Duration.between(now, at);
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeException e) {
            return null;
        }
    }
}
