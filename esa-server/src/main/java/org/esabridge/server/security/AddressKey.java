package org.esabridge.server.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The throttle's key for a remote address: an IPv4 address as it is; an IPv6 address by its /64 prefix,
 * because one subscriber usually gets a whole /64 and could otherwise take a fresh address, and so a fresh
 * budget of guesses, for every attempt; an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.5}) as the IPv4
 * address it maps, so one caller has one key whichever socket family it arrived on.
 */
final class AddressKey {
    private AddressKey() {
    }

    /** @param remoteAddress the servlet's remote address, a numeric IP literal */
    static String of(String remoteAddress) {
        String literal = remoteAddress;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        // Only text with a ':' is parsed, and in brackets: InetAddress then takes it as an IPv6 literal and
        // refuses it if it is not one, never asking DNS, which bare text could make it do.
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName("[" + literal + "]");
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
        if (!(address instanceof Inet6Address)) {
            // The JDK turns an IPv4-mapped IPv6 literal into its Inet4Address.
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
