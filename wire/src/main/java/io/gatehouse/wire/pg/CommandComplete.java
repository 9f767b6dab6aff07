package io.gatehouse.wire.pg;

/** 'C' from the server: a command finished; {@code tag} is e.g. {@code "INSERT 0 3"}, {@code "SELECT 2"}. */
public record CommandComplete(String tag) implements BackendMessage {}
