package io.gatehouse.gateway.tunnel;

import java.net.SocketAddress;

/** Where a tunnel channel leads: a target as its connector sees it. */
public record TunnelAddress(String connector, String target) {
    /** As a socket address, for Netty's {@code remoteAddress()}. */
    public SocketAddress asSocketAddress() {
        return new Address(this);
    }

    @Override
    public String toString() {
        return target + " via connector " + connector;
    }

    static final class Address extends SocketAddress {
        private static final long serialVersionUID = 1L;
        private final String text;

        Address(TunnelAddress address) {
            this.text = address.toString();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
