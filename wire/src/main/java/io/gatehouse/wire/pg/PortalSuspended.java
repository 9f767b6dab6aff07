package io.gatehouse.wire.pg;

/** 's': Execute stopped at its row limit; the portal can be executed again. */
public record PortalSuspended() implements BackendMessage {}
