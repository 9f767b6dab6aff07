package io.gatehouse.wire.pg;

/** 'n': the statement or portal returns no rows. */
public record NoData() implements BackendMessage {}
