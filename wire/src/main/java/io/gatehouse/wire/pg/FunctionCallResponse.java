package io.gatehouse.wire.pg;

/** 'V': the result of a FunctionCall; {@code null} is SQL NULL. */
public record FunctionCallResponse(Bytes result) implements BackendMessage {}
