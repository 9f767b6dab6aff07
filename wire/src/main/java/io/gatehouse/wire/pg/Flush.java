package io.gatehouse.wire.pg;

/** 'H': ask the server to send what it has produced so far. */
public record Flush() implements FrontendMessage {}
