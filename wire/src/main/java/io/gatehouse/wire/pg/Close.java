package io.gatehouse.wire.pg;

/** 'C' from the client: close statement ({@code kind} 'S') or portal ('P') {@code name}. */
public record Close(char kind, String name) implements FrontendMessage {}
