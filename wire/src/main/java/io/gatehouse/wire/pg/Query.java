package io.gatehouse.wire.pg;

/** 'Q': a simple-protocol query string, possibly several statements separated by semicolons. */
public record Query(String query) implements FrontendMessage {}
