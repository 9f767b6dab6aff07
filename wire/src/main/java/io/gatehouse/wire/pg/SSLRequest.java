package io.gatehouse.wire.pg;

/** The client asks for TLS; the server answers one byte, 'S' or 'N', not a message. */
public record SSLRequest() implements StartupPacket {}
