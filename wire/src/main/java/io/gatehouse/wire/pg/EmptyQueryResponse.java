package io.gatehouse.wire.pg;

/** 'I': the query string was empty. */
public record EmptyQueryResponse() implements BackendMessage {}
