package io.gatehouse.wire.pg;

/** 'S' from the server: run-time parameter {@code name} now has {@code value}. */
public record ParameterStatus(String name, String value) implements BackendMessage {}
