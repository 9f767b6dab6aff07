package io.gatehouse.wire.pg;

/** '2': Bind succeeded. */
public record BindComplete() implements BackendMessage {}
