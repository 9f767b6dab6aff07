package io.gatehouse.wire.pg;

/** The client asks for GSSAPI encryption; the server answers one byte, 'G' or 'N'. */
public record GSSENCRequest() implements StartupPacket {}
