package io.gatehouse.wire.pg;

/** 'S' from the client: end of an extended-protocol pipeline; the server answers ReadyForQuery. */
public record Sync() implements FrontendMessage {}
