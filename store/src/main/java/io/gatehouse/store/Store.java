package io.gatehouse.store;

import io.gatehouse.store.internal.StoreOpener;
import java.time.Clock;

/**
 * The gateway's persistent state: identities, tokens, connections, grants and the audit log, in an
 * embedded SQLite file or a shared PostgreSQL database.
 *
 * <p>Thread-safe. Every write is one transaction that is durable when the method returns (SQLite with
 * {@code synchronous=FULL} in WAL mode; PostgreSQL with {@code synchronous_commit=on}). On SQLite all
 * writes go through one dedicated connection, so they are serialized, while reads use separate
 * connections and never wait behind a write.
 */
public interface Store extends AutoCloseable {
    /**
     * Opens the store, creating and migrating its schema if needed.
     *
     * @throws StoreVersionException if the schema is newer than this build, or differs from what this
     *     build would have written; the store is left untouched
     * @throws StoreCorruptException if the location holds something that is not a Gatehouse store
     * @throws StoreException if the store is unavailable
     */
    static Store open(StoreSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /** As {@link #open(StoreSettings)}, with the clock that stamps {@code createdAt}/{@code updatedAt}. */
    static Store open(StoreSettings settings, Clock clock) {
        return StoreOpener.open(settings, clock);
    }

    /** {@code "sqlite"} or {@code "postgresql"}. */
    String dialect();

    IdentityRepository identities();

    TokenRepository tokens();

    ConnectionRepository connections();

    ConnectorRepository connectors();

    GrantRepository grants();

    LogRepository log();

    /** Reads of the sessions index, which {@link #sessionIndexer()} maintains from the logs. */
    SessionRepository sessions();

    /** Derives the sessions index from the logs; the gateway runs it on a thread of its own. */
    SessionIndexer sessionIndexer();

    /** A cheap probe of the database; false instead of throwing. */
    boolean healthy();

    /**
     * Log appends durable in the embedded store's commit journal that its tables do not hold yet (normally a few
     * milliseconds' worth); 0 without a journal.
     */
    default long journalBehind() {
        return 0;
    }

    /**
     * False while the embedded store refuses to apply its commit journal (a full disk): appends stay durable in
     * the journal until it is full, reads of the log fail meanwhile. True without a journal.
     */
    default boolean journalApplying() {
        return true;
    }

    @Override
    void close();
}
