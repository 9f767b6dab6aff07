package io.gatehouse.store.internal;

/**
 * Connections and transactions of one dialect. Both methods translate {@link java.sql.SQLException}
 * into {@link io.gatehouse.store.StoreException} (or a subclass) and let a {@code StoreException}
 * thrown by the work itself through, after rolling back a write.
 */
public interface Database extends AutoCloseable {
    /** {@code "sqlite"} or {@code "postgresql"}; also the migration folder's name. */
    String dialect();

    /** Runs read-only work on a reader connection; never waits behind a write on SQLite. */
    <T> T read(SqlWork<T> work);

    /** Runs work in one transaction that is committed, and durable, when this returns. */
    <T> T write(SqlWork<T> work);

    /**
     * Runs work in one transaction that is committed, atomic and visible when this returns, but not
     * necessarily durable yet: for derived data that can be rebuilt from the log (the sessions index). It
     * skips the commit's own flush to disk, so the log's writer does not wait behind it; the next durable
     * commit makes it durable too.
     */
    <T> T writeDerived(SqlWork<T> work);

    boolean healthy();

    @Override
    void close();
}
