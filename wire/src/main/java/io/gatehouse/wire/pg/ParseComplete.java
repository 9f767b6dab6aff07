package io.gatehouse.wire.pg;

/** '1': Parse succeeded. */
public record ParseComplete() implements BackendMessage {}
