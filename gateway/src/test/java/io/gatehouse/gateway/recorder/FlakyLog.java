package io.gatehouse.gateway.recorder;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoredCheckpoint;
import io.gatehouse.store.TreeNode;
import java.util.List;
import java.util.Optional;

/** A real log repository that can be switched "down", to test what the writer does when the store fails. */
final class FlakyLog implements LogRepository {
    private final LogRepository real;
    volatile boolean down;
    volatile long appendDelayMillis;
    /** The next append commits, then throws as if the commit's reply had been lost. */
    volatile boolean loseNextCommitReply;

    FlakyLog(LogRepository real) {
        this.real = real;
    }

    private void check() {
        if (down) {
            throw new StoreException("store unavailable (test)");
        }
    }

    @Override
    public void createIfAbsent(String origin) {
        check();
        real.createIfAbsent(origin);
    }

    @Override
    public void append(String origin, List<LogEntry> entries, List<TreeNode> nodes) {
        check();
        if (appendDelayMillis > 0) {
            try {
                Thread.sleep(appendDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        real.append(origin, entries, nodes);
        if (loseNextCommitReply) {
            loseNextCommitReply = false;
            throw new StoreException("connection lost while committing (test): the transaction did commit");
        }
    }

    @Override
    public long size(String origin) {
        check();
        return real.size(origin);
    }

    @Override
    public List<LogEntry> read(String origin, long fromIndex, int limit) {
        check();
        return real.read(origin, fromIndex, limit);
    }

    @Override
    public Optional<byte[]> node(String origin, int level, long index) {
        check();
        return real.node(origin, level, index);
    }

    @Override
    public List<LogEntry> bySession(String origin, String session) {
        check();
        return real.bySession(origin, session);
    }

    @Override
    public void addCheckpoint(String origin, StoredCheckpoint checkpoint) {
        check();
        real.addCheckpoint(origin, checkpoint);
    }

    @Override
    public List<StoredCheckpoint> checkpoints(String origin) {
        check();
        return real.checkpoints(origin);
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint(String origin) {
        check();
        return real.latestCheckpoint(origin);
    }

    @Override
    public List<String> origins() {
        check();
        return real.origins();
    }
}
