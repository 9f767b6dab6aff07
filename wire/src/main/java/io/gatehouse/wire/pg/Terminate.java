package io.gatehouse.wire.pg;

/** 'X': the client closes the session. */
public record Terminate() implements FrontendMessage {}
