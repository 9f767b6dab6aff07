package io.gatehouse.wire.pg;

/** 'R' code 11: a SASL challenge (for SCRAM, the server-first-message). */
public record AuthenticationSASLContinue(Bytes data) implements BackendMessage {}
