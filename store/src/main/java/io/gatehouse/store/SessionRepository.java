package io.gatehouse.store;

import java.util.List;
import java.util.Optional;

/**
 * The sessions index: one row per session and per command of every log in the store, derived from the
 * logs by {@link SessionIndexer} (so it may lag the log by the indexer's delay). Read only; it finds events
 * quickly, the log stays the record.
 */
public interface SessionRepository {
    /** Matching sessions, newest first (descending {@link SessionRecord#id()}). */
    List<SessionRecord> list(SessionQuery query);

    /** The session with this id (ids are unique across the store's logs). */
    Optional<SessionRecord> find(String session);

    /**
     * Commands on {@code connection} with {@code sinceMicros <= time <= untilMicros}, in execution order
     * (time, then log and index), after {@code after} (the previous page's last {@link CommandRecord#position()}) when not null.
     */
    List<CommandRecord> timeline(String connection, long sinceMicros, long untilMicros, Cursor after, int limit);

    /** Position in a timeline: the last command of the previous page. */
    record Cursor(long timeMicros, long logId, long index) {}
}
