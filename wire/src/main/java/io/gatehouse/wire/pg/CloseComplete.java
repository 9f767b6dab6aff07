package io.gatehouse.wire.pg;

/** '3': Close succeeded. */
public record CloseComplete() implements BackendMessage {}
