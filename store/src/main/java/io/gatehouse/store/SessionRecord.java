package io.gatehouse.store;

/**
 * One session as indexed by {@link SessionRepository}: derived from its events, never edited otherwise.
 *
 * @param id creation order within the store, the newest-first paging cursor
 * @param endedMicros null while the session is open
 * @param status {@code open} or {@code closed}
 * @param firstIndex index of the session's first event in its log
 * @param lastIndex index of its latest event
 */
public record SessionRecord(
        long id,
        String origin,
        String session,
        String identity,
        String connection,
        String type,
        String client,
        String application,
        String token,
        long startedMicros,
        Long endedMicros,
        String status,
        String endReason,
        long events,
        long commands,
        long errors,
        long firstIndex,
        long lastIndex) {}
