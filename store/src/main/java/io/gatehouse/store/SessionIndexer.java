package io.gatehouse.store;

/**
 * Maintains the sessions index that {@link SessionRepository} reads, from the audit logs, outside the
 * append path: {@link LogRepository#append} never touches the index. Each log has a stored position
 * ({@link #indexedUpTo}); {@link #catchUp} decodes the events after it and applies them in its own
 * transactions of a few thousand events, moving the position in the same transaction. So the index is
 * always the exact image of a prefix of each log, survives restarts, backfills a store upgraded from a
 * version without it, and can be thrown away and rebuilt ({@link #rebuild}) at any time.
 *
 * <p>Recording comes first: while the index is close behind the log, the indexer pauses after each
 * transaction as long as it took (half a CPU at most), so that it does not take a core from the recorder on
 * a small machine; more than 100,000 events behind, it runs flat out until it is close again.
 *
 * <p>Thread-safe; concurrent indexers of one log (two gateways on one PostgreSQL) are safe: the position
 * moves by compare-and-set, and the loser of a race re-reads it.
 */
public interface SessionIndexer {
    /**
     * Indexes every event appended to any log before this call (fewer if the thread is interrupted).
     *
     * @return the number of events indexed by this call
     */
    long catchUp();

    /** Events of {@code origin} with an index below this are reflected in the index; 0 for an unknown log. */
    long indexedUpTo(String origin);

    /** Empties the index and its positions in one transaction; the next {@link #catchUp} rebuilds it. */
    void rebuild();
}
