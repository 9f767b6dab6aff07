package io.gatehouse.store;

import java.util.List;
import java.util.Optional;

/**
 * Append-only audit logs. Many logs may share one PostgreSQL store (one per gateway instance), each
 * keyed by its origin (the checkpoint origin line).
 *
 * <p>Nothing here updates or deletes events, nodes or checkpoints, and the schema's triggers reject
 * such statements too. Reads of an origin that was never created behave as an empty log; writes to it
 * throw {@link NotFoundException}.
 */
public interface LogRepository {
    /** Creates an empty log for {@code origin} unless it exists. */
    void createIfAbsent(String origin);

    /**
     * Appends events in one transaction, durable when this returns.
     *
     * <p>{@code entries} must continue the log: the first index equals the current size and the
     * indexes are contiguous; otherwise a {@link StoreException} such as {@code log 'o': append at index
     * 12 but the log has 10 events} and nothing is written. Concurrent appenders to one origin are
     * serialized by the database, so exactly one of two racing appends at the same index succeeds.
     *
     * @param nodes perfect subtrees completed by these appends; levels >= 1 are stored, level-0 nodes
     *     are skipped (they equal the entries' leaf hashes). A node must lie within the new size.
     */
    void append(String origin, List<LogEntry> entries, List<TreeNode> nodes);

    /** Number of events in the log. */
    long size(String origin);

    /** Up to {@code limit} events from {@code fromIndex}, ascending. */
    List<LogEntry> read(String origin, long fromIndex, int limit);

    /** A stored subtree hash; level 0 is served from the entries' leaf hashes. */
    Optional<byte[]> node(String origin, int level, long index);

    /** The session's events, ascending. */
    List<LogEntry> bySession(String origin, String session);

    /**
     * @throws NotFoundException if the log does not exist
     * @throws StoreException if the checkpoint's size exceeds the log's
     */
    void addCheckpoint(String origin, StoredCheckpoint checkpoint);

    /** Ascending size, then time. */
    List<StoredCheckpoint> checkpoints(String origin);

    /** The checkpoint of the largest size (the latest of those). */
    Optional<StoredCheckpoint> latestCheckpoint(String origin);

    /** All log origins, sorted. */
    List<String> origins();
}
