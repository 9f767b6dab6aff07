package io.gatehouse.wire.pg;

/** 'c', either direction: the COPY stream is complete. */
public record CopyDone() implements FrontendMessage, BackendMessage {}
