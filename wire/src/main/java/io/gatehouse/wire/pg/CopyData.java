package io.gatehouse.wire.pg;

/**
 * 'd', either direction: a piece of a COPY stream. Large ones are yielded as stream items instead
 * (see {@link Decoded}).
 */
public record CopyData(Bytes data) implements FrontendMessage, BackendMessage {}
