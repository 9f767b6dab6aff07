package io.gatehouse.wire.pg;

/** 'A': a NOTIFY on {@code channel} from backend {@code processId}. */
public record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {}
