package io.gatehouse.wire.pg;

/** 'R' code 12: the SASL outcome data (for SCRAM, the server-final-message with its signature). */
public record AuthenticationSASLFinal(Bytes data) implements BackendMessage {}
