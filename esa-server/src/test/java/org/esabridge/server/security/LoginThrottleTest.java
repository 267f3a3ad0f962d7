package org.esabridge.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    @Test
    void throttleAllowsABurstThenAsksToWaitAndRefills() {
        AtomicLong now = new AtomicLong();
        LoginThrottle throttle = new LoginThrottle(3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, throttle.reserve("10.0.0.1"));
        }
        assertEquals(20, throttle.reserve("10.0.0.1"), "one attempt per 20 s at 3 per minute");
        assertEquals(0, throttle.reserve("10.0.0.2"), "other addresses are not affected");
        now.addAndGet(20_000_000_000L);
        assertEquals(0, throttle.reserve("10.0.0.1"));
        assertEquals(20, throttle.reserve("10.0.0.1"));
    }

    @Test
    void aRefundedReservationCanBeTakenAgainButNeverBeyondTheBurst() {
        LoginThrottle throttle = new LoginThrottle(2, () -> 0);
        throttle.refund("10.0.0.1");
        assertEquals(0, throttle.reserve("10.0.0.1"));
        throttle.refund("10.0.0.1");
        throttle.refund("10.0.0.1");
        assertEquals(0, throttle.reserve("10.0.0.1"));
        assertEquals(0, throttle.reserve("10.0.0.1"));
        assertEquals(30, throttle.reserve("10.0.0.1"), "refunds never raise the bucket above its burst");
    }

    @Test
    void ipv6CallersAreThrottledByTheir64AndMappedIpv4AsIpv4() {
        LoginThrottle throttle = new LoginThrottle(2, () -> 0);
        assertEquals(0, throttle.reserve("2001:db8:a:b::1"));
        assertEquals(0, throttle.reserve("2001:db8:a:b:ffff:ffff:ffff:fffe"));
        assertEquals(30, throttle.reserve("[2001:db8:a:b:1234::99]"), "a fresh address in the same /64");
        assertEquals(30, throttle.reserve("2001:0db8:000a:000b::7%eth0"), "another spelling, with a zone");
        assertEquals(0, throttle.reserve("2001:db8:a:c::1"), "the next /64 is another caller");

        assertEquals(0, throttle.reserve("10.0.0.5"));
        assertEquals(0, throttle.reserve("::ffff:10.0.0.5"));
        assertEquals(30, throttle.reserve("10.0.0.5"), "an IPv4-mapped address is its IPv4 address");
        assertEquals(0, throttle.reserve("10.0.0.6"), "IPv4 addresses are keyed whole");
    }

    @Test
    void addressKeys() {
        assertEquals("2001:db8:a:b::/64", AddressKey.of("2001:db8:a:b:1:2:3:4"));
        assertEquals("0:0:0:0::/64", AddressKey.of("::1"));
        assertEquals("fe80:0:0:0::/64", AddressKey.of("fe80::1%2"));
        assertEquals("192.0.2.7", AddressKey.of("::ffff:192.0.2.7"));
        assertEquals("192.0.2.7", AddressKey.of("192.0.2.7"));
        assertEquals("not-an-address:", AddressKey.of("not-an-address:"), "unparseable text is its own key");
    }

    @Test
    void throttleForgetsTheLeastRecentAddressesBeyondItsBound() {
        LoginThrottle throttle = new LoginThrottle(10);
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.reserve("addr-" + i);
        }
        assertEquals(LoginThrottle.MAX_ADDRESSES, throttle.size());
    }
}
