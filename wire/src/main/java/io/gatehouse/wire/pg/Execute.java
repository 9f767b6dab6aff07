package io.gatehouse.wire.pg;

/** 'E': run portal {@code portal}, returning at most {@code maxRows} rows (0 = no limit). */
public record Execute(String portal, int maxRows) implements FrontendMessage {}
