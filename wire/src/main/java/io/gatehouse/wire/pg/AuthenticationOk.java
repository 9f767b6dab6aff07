package io.gatehouse.wire.pg;

/** 'R' code 0: authentication succeeded. */
public record AuthenticationOk() implements BackendMessage {}
