package io.gatehouse.gateway.tunnel;

import java.io.IOException;

/** A tunnel stream broke: the connector went away, or the transport failed. The message says which. */
public final class TunnelStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    public TunnelStreamException(String message) {
        super(message);
    }
}
