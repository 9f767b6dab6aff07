package io.gatehouse.store;

/**
 * Filters of {@link SessionRepository#list}; null means "any".
 *
 * @param status {@code open} or {@code closed}
 * @param sinceMicros sessions still running at or after this time (ended at or after it, or open)
 * @param untilMicros sessions started at or before this time
 * @param text case-insensitive substring of one of the session's commands
 * @param beforeId paging cursor: only sessions with a smaller {@link SessionRecord#id()}
 * @param limit at most this many, >= 1
 */
public record SessionQuery(
        String identity,
        String connection,
        String type,
        String status,
        Long sinceMicros,
        Long untilMicros,
        String text,
        Long beforeId,
        int limit) {
    public SessionQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        if (status != null && !status.equals("open") && !status.equals("closed")) {
            throw new IllegalArgumentException("status must be open or closed, got " + status);
        }
    }

    public static SessionQuery all(int limit) {
        return new SessionQuery(null, null, null, null, null, null, null, null, limit);
    }
}
