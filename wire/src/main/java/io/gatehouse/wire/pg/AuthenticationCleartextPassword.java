package io.gatehouse.wire.pg;

/** 'R' code 3: the server asks for the password in clear. */
public record AuthenticationCleartextPassword() implements BackendMessage {}
