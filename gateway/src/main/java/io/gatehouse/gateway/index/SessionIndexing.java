package io.gatehouse.gateway.index;

import io.gatehouse.store.SessionIndexer;
import io.gatehouse.store.StoreException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's thread that keeps the sessions index up to date: it tails the logs through {@link
 * SessionIndexer#catchUp()} and sleeps {@code poll} after each catch-up, so that the index takes the log's
 * new events in batches of a poll's worth. It is the only writer of
 * the index; the recorder's append path never waits for it, so reading the record back costs the recorder
 * nothing but the index's own (large, rare) transactions. The index lags the log by at most about one poll
 * interval plus one batch.
 *
 * <p>A failing store is not fatal here: the recorder reports it; this thread logs it once per failure
 * streak, backs off and retries from the stored position, so nothing is skipped or applied twice.
 */
public final class SessionIndexing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionIndexing.class);
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final SessionIndexer indexer;
    private final Duration poll;
    private final Thread thread;
    private volatile boolean running = true;

    private SessionIndexing(SessionIndexer indexer, Duration poll) {
        this.indexer = Objects.requireNonNull(indexer, "indexer");
        this.poll = Objects.requireNonNull(poll, "poll");
        this.thread = Thread.ofPlatform().name("sessions-indexer").daemon(true).unstarted(this::run);
    }

    public static SessionIndexing start(SessionIndexer indexer, Duration poll) {
        SessionIndexing indexing = new SessionIndexing(indexer, poll);
        indexing.thread.start();
        return indexing;
    }

    private void run() {
        boolean failing = false;
        while (running) {
            try {
                indexer.catchUp();
                if (failing) {
                    LOG.info("sessions index: store reachable again, indexing resumed");
                    failing = false;
                }
                // catchUp() returns only once it reached the end of every log, so there is at most a poll's
                // worth of new events to wait for. Sleeping after every catch-up (not only an empty one)
                // matters at low concurrency: a log that grows by one statement at a time was indexed one or
                // two events per transaction, and those small transactions (and the trigram index's merges)
                // cost ~140 µs of CPU per statement at one pgbench client (docs/benchmarks.md, session 5).
                Thread.sleep(poll);
            } catch (StoreException e) {
                if (!running) {
                    return; // closing: the interrupt broke a store call, nothing failed
                }
                if (!failing) {
                    LOG.warn("sessions index: cannot update ({}); retrying every {}", e.getMessage(), BACKOFF);
                    failing = true;
                }
                if (!sleep(BACKOFF)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
