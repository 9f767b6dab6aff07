package io.gatehouse.wire.pg;

/**
 * 'R' with any other code (2 Kerberos V5, 7 GSS, 8 GSSContinue, 9 SSPI, future codes): the code and
 * the bytes after it, kept for pass-through.
 */
public record AuthenticationOther(int code, Bytes data) implements BackendMessage {}
