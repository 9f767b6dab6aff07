package io.gatehouse.wire.pg;

/** 'f': the client aborts COPY FROM STDIN with {@code message}. */
public record CopyFail(String message) implements FrontendMessage {}
