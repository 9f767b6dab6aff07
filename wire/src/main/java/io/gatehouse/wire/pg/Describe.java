package io.gatehouse.wire.pg;

/** 'D' from the client: describe statement ({@code kind} 'S') or portal ('P') {@code name}. */
public record Describe(char kind, String name) implements FrontendMessage {}
