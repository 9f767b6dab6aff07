package io.gatehouse.store.internal;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.StoreCorruptException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoredCheckpoint;
import io.gatehouse.store.TreeNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's audit logs with a {@link CommitJournal} in front: an {@link #append} is durable when
 * its record is synced in the journal (one {@code pwrite} and one {@code fdatasync}), and a thread of its own
 * then applies it to SQLite without a sync of its own ({@code synchronous=NORMAL}), several appends per
 * transaction when it falls behind. That takes SQLite's page writes and commit off the path of a fail-closed
 * command, which waits for {@link #append} to return.
 *
 * <p>Contracts kept. Reads see every append that returned before they were called: they wait for the applier
 * to catch up first (it is normally one transaction behind). Appends are checked against the journaled size
 * exactly as the store checks them, so a bad append fails here and the applier never meets one. A checkpoint
 * is stored only once the events it covers are applied.
 *
 * <p>Durability of the applied state. A process crash loses nothing of SQLite's unsynced commits (they are
 * in the page cache); a power loss may lose the last of them, which is why the journal keeps every record
 * until the store's files are synced ({@link SqliteDatabase#syncFiles}): the journal is emptied only after
 * that sync, when it is full, at close, and after the replay at open. On open, the records the store lacks
 * are applied again, after checking that journal and store agree where they overlap.
 *
 * <p>Failure. If the journal cannot be written the append throws and nothing is queued (the caller refuses
 * its commands, as for a store that is down). If SQLite refuses the applier (a full disk, say) the records
 * stay durable in the journal and are retried; appends go on until the journal is full, and reads and
 * checkpoints fail fast meanwhile, and a warning is logged once per outage.
 */
final class JournaledLogRepository implements LogRepository, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournaledLogRepository.class);
    /** The journal's default size: 64 MiB of records between two syncs of the store (some 16,000 batches). */
    static final long DEFAULT_MAX_BYTES = CommitJournal.PAGE + (64L << 20);

    private static final Duration APPLY_WAIT = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MILLIS = 200;
    /** Entries per apply transaction at most, when the applier has fallen behind. */
    private static final int GROUP_LIMIT = 4096;
    /**
     * How long the applier lets appends gather before it applies them, unless a reader waits or {@link
     * #LINGER_ENTRIES} have gathered: SQLite's cost is mostly per transaction (at one fail-closed client an
     * append is two events), and the applier's CPU is taken from the sessions on a small machine. 50 ms
     * rather than 5 took the applier's CPU per fail-closed statement from 20-22 to 13-16 µs at one pgbench
     * client and from 16 to 13 µs at 32 (docs/benchmarks.md, session 7). Nobody waits for it: appends are
     * durable in the journal, and a reader ends the linger.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final int LINGER_ENTRIES = 4096;

    private final JdbcLogRepository store;
    private final CommitJournal journal;
    private final Runnable syncStore;
    /** Serializes appends: the journal has one tail. Guards {@link #sizes}. */
    private final ReentrantLock appendLock = new ReentrantLock();

    private final Map<String, Long> sizes = new HashMap<>();
    /** Guards the fields below; the applier waits on it for work, readers for the applier. */
    private final Object state = new Object();

    private final ArrayDeque<JournalRecord> pending = new ArrayDeque<>();
    /** Records journaled since open, and how many of them the store has applied. */
    private long journaled;

    private long applied;
    /** Entries in {@link #pending}, and threads in {@link #awaitApplied} (the applier does not linger for them). */
    private int pendingEntries;

    private int readersWaiting;
    /** The store's last refusal while the applier is failing; null while it applies. */
    private String applyFailure;

    private boolean closing;
    /** Tests only: the applier leaves the queue alone while set, as if the store were slow. */
    private boolean paused;

    private final Thread applier;

    private JournaledLogRepository(JdbcLogRepository store, CommitJournal journal, Runnable syncStore) {
        this.store = store;
        this.journal = journal;
        this.syncStore = syncStore;
        this.applier = Thread.ofPlatform()
                .name("gatehouse-journal-applier")
                .daemon(true)
                .unstarted(this::applyLoop);
    }

    /**
     * Opens the journal at {@code journalFile} (creating it if absent), applies to {@code store} whatever of
     * it the store lacks, and starts the applier.
     *
     * @throws StoreCorruptException if journal and store disagree (the store was replaced or written without
     *     the journal after a crash)
     */
    static JournaledLogRepository open(
            JdbcLogRepository store, SqliteDatabase database, Path journalFile, long maxBytes) {
        CommitJournal journal = CommitJournal.open(journalFile, maxBytes);
        try {
            if (!journal.recordsAtOpen().isEmpty()) {
                replay(store, journal);
                database.syncFiles(); // what the store applied before a crash may still be in the page cache only
                journal.reset();
            }
            JournaledLogRepository log = new JournaledLogRepository(store, journal, database::syncFiles);
            log.applier.start();
            return log;
        } catch (IOException e) {
            journal.close();
            throw new StoreException(
                    "the store's commit journal " + journalFile + " cannot be emptied: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /**
     * For a store opened without the journal (a tool, or a gateway with {@code store.commit-journal=off}):
     * applies what a stopped gateway left in the journal at {@code journalFile}, so that no reader sees a log
     * without records that were acknowledged as durable, and empties it. Nothing is done while another
     * process holds the journal: that gateway is running and applies it itself.
     */
    static void applyLeftovers(JdbcLogRepository store, SqliteDatabase database, Path journalFile) {
        CommitJournal journal = CommitJournal.openIfFree(journalFile, DEFAULT_MAX_BYTES);
        if (journal == null) {
            return;
        }
        try (journal) {
            if (!journal.recordsAtOpen().isEmpty()) {
                replay(store, journal);
                database.syncFiles();
                journal.reset();
            }
        } catch (IOException e) {
            throw new StoreException(
                    "the store's commit journal " + journalFile + " cannot be emptied: " + e.getMessage(), e);
        }
    }

    private static void replay(JdbcLogRepository store, CommitJournal journal) {
        Map<String, List<JournalRecord>> byOrigin = new LinkedHashMap<>();
        for (byte[] payload : journal.recordsAtOpen()) {
            JournalRecord record = JournalRecord.decode(payload);
            byOrigin.computeIfAbsent(record.origin(), o -> new ArrayList<>()).add(record);
        }
        List<String> origins = store.origins();
        for (Map.Entry<String, List<JournalRecord>> log : byOrigin.entrySet()) {
            String origin = log.getKey();
            if (!origins.contains(origin)) {
                throw disagree(journal, "it holds events of log '" + origin + "', which the store does not have");
            }
            replay(store, journal, origin, log.getValue());
        }
    }

    private static void replay(
            JdbcLogRepository store, CommitJournal journal, String origin, List<JournalRecord> records) {
        List<LogEntry> all = new ArrayList<>();
        records.forEach(r -> all.addAll(r.entries()));
        if (all.isEmpty()) {
            return;
        }
        try {
            JdbcLogRepository.requireContiguous(origin, all);
        } catch (StoreException e) {
            throw disagree(journal, e.getMessage());
        }
        long first = all.get(0).index();
        long last = all.get(all.size() - 1).index();
        long size = store.size(origin);
        if (size < first) {
            throw disagree(
                    journal,
                    "log '" + origin + "' continues there from event " + first + " but the store has only " + size
                            + " events");
        }
        long probe = Math.min(last, size - 1); // an event both hold, if any: they must agree on it
        if (probe >= first) {
            byte[] stored = store.node(origin, 0, probe).orElse(new byte[0]);
            if (!Arrays.equals(stored, all.get((int) (probe - first)).leafHash())) {
                throw disagree(journal, "event " + probe + " of log '" + origin + "' differs from the store's");
            }
        }
        List<LogEntry> entries = new ArrayList<>();
        List<TreeNode> nodes = new ArrayList<>();
        long replayed = 0;
        for (JournalRecord record : records) {
            if (record.entries().isEmpty() || last(record) < size) {
                continue; // applied before the stop
            }
            if (record.entries().get(0).index() < size) {
                throw disagree(journal, "log '" + origin + "': the store holds part of one journaled append");
            }
            entries.addAll(record.entries());
            nodes.addAll(record.nodes());
            if (entries.size() >= GROUP_LIMIT) {
                store.appendUnsynced(origin, entries, nodes);
                replayed += entries.size();
                entries.clear();
                nodes.clear();
            }
        }
        if (!entries.isEmpty()) {
            store.appendUnsynced(origin, entries, nodes);
            replayed += entries.size();
        }
        if (replayed > 0) {
            LOG.info(
                    "audit log '{}': {} events applied from the commit journal {} (durable there, not yet in the"
                            + " store when the gateway stopped)",
                    origin,
                    replayed,
                    journal.file());
        }
    }

    private static StoreCorruptException disagree(CommitJournal journal, String what) {
        return new StoreCorruptException("the store's commit journal " + journal.file() + " and the store disagree: "
                + what + ". Was the store file replaced, or written by a gateway without the journal? Keep both"
                + " files for inspection; move the journal away only if the store is known to be complete");
    }

    private static long last(JournalRecord record) {
        return record.entries().get(record.entries().size() - 1).index();
    }

    @Override
    public void createIfAbsent(String origin) {
        store.createIfAbsent(origin);
    }

    @Override
    public void append(String origin, List<LogEntry> entries, List<TreeNode> nodes) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(nodes, "nodes");
        if (entries.isEmpty() && nodes.isEmpty()) {
            return;
        }
        JdbcLogRepository.requireContiguous(origin, entries);
        appendLock.lock();
        try {
            requireOpen();
            long size = journaledSize(origin);
            long newSize = size;
            if (!entries.isEmpty()) {
                long first = entries.get(0).index();
                if (first != size) {
                    throw new StoreException(
                            "log '" + origin + "': append at index " + first + " but the log has " + size + " events");
                }
                newSize = first + entries.size();
            }
            for (TreeNode node : nodes) {
                if (node.level() > 0 && node.leafEnd() > newSize) {
                    throw new StoreException("log '" + origin + "': node (level " + node.level() + ", index "
                            + node.index() + ") covers events up to " + node.leafEnd() + " but the log has "
                            + newSize + " events");
                }
            }
            JournalRecord record = new JournalRecord(origin, List.copyOf(entries), List.copyOf(nodes));
            byte[] payload = record.encode();
            if (!journal.fits(payload.length)) {
                awaitApplied(); // larger than the whole journal: straight to the store, after what came before
                store.append(origin, entries, nodes);
                sizes.put(origin, newSize);
                return;
            }
            if (!journal.hasRoomFor(payload.length)) {
                makeRoom();
            }
            try {
                journal.append(payload);
            } catch (IOException e) {
                throw new StoreException(
                        "the store's commit journal " + journal.file() + " cannot be written: " + e.getMessage(), e);
            }
            sizes.put(origin, newSize);
            synchronized (state) {
                pending.addLast(record);
                journaled++;
                int before = pendingEntries;
                pendingEntries += record.entries().size();
                // wake the applier when work appears or it has gathered enough; otherwise its linger ends it
                if (pending.size() == 1 || (before < LINGER_ENTRIES && pendingEntries >= LINGER_ENTRIES)) {
                    state.notifyAll();
                }
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Caller holds {@link #appendLock}. */
    private long journaledSize(String origin) {
        Long known = sizes.get(origin);
        if (known != null) {
            return known;
        }
        if (!store.origins().contains(origin)) {
            throw new NotFoundException("no log with origin '" + origin + "'");
        }
        awaitApplied();
        long size = store.size(origin);
        sizes.put(origin, size);
        return size;
    }

    /** The journal is full: once the store has applied and synced all of it, it starts again from the top. */
    private void makeRoom() {
        awaitApplied();
        syncStore.run();
        try {
            journal.reset();
        } catch (IOException e) {
            throw new StoreException(
                    "the store's commit journal " + journal.file() + " cannot be emptied: " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String origin) {
        awaitApplied();
        return store.size(origin);
    }

    @Override
    public List<LogEntry> read(String origin, long fromIndex, int limit) {
        awaitApplied();
        return store.read(origin, fromIndex, limit);
    }

    @Override
    public Optional<byte[]> node(String origin, int level, long index) {
        awaitApplied();
        return store.node(origin, level, index);
    }

    @Override
    public List<LogEntry> bySession(String origin, String session) {
        awaitApplied();
        return store.bySession(origin, session);
    }

    @Override
    public void addCheckpoint(String origin, StoredCheckpoint checkpoint) {
        awaitApplied();
        store.addCheckpoint(origin, checkpoint);
    }

    @Override
    public List<StoredCheckpoint> checkpoints(String origin) {
        awaitApplied();
        return store.checkpoints(origin);
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint(String origin) {
        awaitApplied();
        return store.latestCheckpoint(origin);
    }

    @Override
    public List<String> origins() {
        return store.origins();
    }

    /** False while the store refuses to apply journaled appends (they are durable in the journal meanwhile). */
    boolean applying() {
        synchronized (state) {
            return applyFailure == null;
        }
    }

    /** Journaled appends the store has not applied yet. */
    long behind() {
        synchronized (state) {
            return journaled - applied;
        }
    }

    /** Waits until every append journaled before this call is applied; fails fast while the store refuses. */
    private void awaitApplied() {
        synchronized (state) {
            long target = journaled;
            if (applied >= target) {
                return;
            }
            long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
            readersWaiting++;
            state.notifyAll(); // ends the applier's linger
            try {
                awaitAppliedLocked(target, deadline);
            } finally {
                readersWaiting--;
            }
        }
    }

    /** Caller holds {@link #state}. */
    private void awaitAppliedLocked(long target, long deadline) {
        while (applied < target) {
            if (applyFailure != null) {
                throw new StoreException("the store is not taking writes (" + applyFailure + "); " + (target - applied)
                        + " appends wait in its commit journal " + journal.file());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StoreException("the store has not applied its commit journal within " + APPLY_WAIT.toSeconds()
                        + " s (" + (target - applied) + " appends behind)");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(state, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for the store to apply its journal", e);
            }
        }
    }

    private void requireOpen() {
        synchronized (state) {
            if (closing) {
                throw new StoreException("the store is closed");
            }
        }
    }

    private void applyLoop() {
        List<JournalRecord> group = new ArrayList<>();
        while (true) {
            synchronized (state) {
                while ((pending.isEmpty() || paused) && !closing) {
                    try {
                        state.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty() || paused) {
                    return; // closing, and everything applied (or abandoned by a test)
                }
                if (!linger()) {
                    return;
                }
                takeGroup(group);
            }
            try {
                applyGroup(group);
                synchronized (state) {
                    for (int i = 0; i < group.size(); i++) {
                        pendingEntries -= pending.removeFirst().entries().size();
                    }
                    applied += group.size();
                    if (applyFailure != null) {
                        LOG.info("the store applies its commit journal again ({} appends behind)", journaled - applied);
                        applyFailure = null;
                    }
                    state.notifyAll();
                }
            } catch (RuntimeException e) {
                boolean first;
                synchronized (state) {
                    first = applyFailure == null;
                    applyFailure = String.valueOf(e.getMessage());
                    state.notifyAll();
                }
                if (first) {
                    LOG.warn(
                            "the store refused {} journaled appends: {}; they stay durable in {} and are retried",
                            group.size(),
                            e.toString());
                }
                if (!pause() || closingNow()) {
                    return;
                }
                dropCommitted(group.get(0).origin());
            }
        }
    }

    /** Caller holds {@link #state}: lets appends gather ({@link #LINGER_NANOS}); false if interrupted. */
    private boolean linger() {
        long deadline = System.nanoTime() + LINGER_NANOS;
        long left;
        while (!closing
                && readersWaiting == 0
                && pendingEntries < LINGER_ENTRIES
                && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(state, left);
            } catch (InterruptedException e) {
                return false;
            }
        }
        return true;
    }

    /** Caller holds {@link #state}: the oldest pending records of one origin, up to {@link #GROUP_LIMIT} entries. */
    private void takeGroup(List<JournalRecord> group) {
        group.clear();
        String origin = pending.peekFirst().origin();
        int entries = 0;
        for (JournalRecord record : pending) {
            if (!record.origin().equals(origin)
                    || (!group.isEmpty() && entries + record.entries().size() > GROUP_LIMIT)) {
                break;
            }
            group.add(record);
            entries += record.entries().size();
        }
    }

    private void applyGroup(List<JournalRecord> group) {
        if (group.size() == 1) {
            JournalRecord only = group.get(0);
            store.appendUnsynced(only.origin(), only.entries(), only.nodes());
            return;
        }
        List<LogEntry> entries = new ArrayList<>();
        List<TreeNode> nodes = new ArrayList<>();
        for (JournalRecord record : group) {
            entries.addAll(record.entries());
            nodes.addAll(record.nodes());
        }
        store.appendUnsynced(group.get(0).origin(), entries, nodes);
    }

    /**
     * After a failed apply: a transaction can fail after it committed (the error came from the step after),
     * so the records the store already holds are taken off the queue rather than applied twice.
     */
    private void dropCommitted(String origin) {
        long size;
        try {
            size = store.size(origin);
        } catch (RuntimeException e) {
            return; // the store cannot even be read: the next attempt finds out again
        }
        synchronized (state) {
            while (!pending.isEmpty()) {
                JournalRecord head = pending.peekFirst();
                if (!head.origin().equals(origin) || head.entries().isEmpty() || last(head) >= size) {
                    break;
                }
                pendingEntries -= pending.removeFirst().entries().size();
                applied++;
            }
            state.notifyAll();
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private boolean closingNow() {
        synchronized (state) {
            return closing;
        }
    }

    /** Tests only: holds the applier (appends are then durable in the journal alone) or lets it go on. */
    void pauseApplier(boolean pause) {
        synchronized (state) {
            paused = pause;
            state.notifyAll();
        }
    }

    /** Tests only: stops as a crash would, leaving the journal as it is and the store without what it holds. */
    void abandon() {
        stopApplier(true);
        journal.close();
    }

    /** Tells the applier to stop (at once, or once the queue is applied) and waits for it; false if it was told. */
    private boolean stopApplier(boolean now) {
        synchronized (state) {
            if (closing && !now) {
                return false;
            }
            paused |= now;
            closing = true;
            state.notifyAll();
        }
        try {
            applier.join(APPLY_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * Applies what is queued, syncs the store and empties the journal; if the store cannot take it, the
     * journal keeps it and the next open applies it.
     */
    @Override
    public void close() {
        if (!stopApplier(false)) {
            return; // closed already (or abandoned by a test)
        }
        appendLock.lock(); // an append still in flight finishes first; later ones find the store closed
        long left = behind();
        try {
            if (left == 0 && !applier.isAlive()) {
                syncStore.run();
                journal.reset();
            } else {
                LOG.error(
                        "{} journaled appends are not in the store yet; they stay in {} and are applied when the store"
                                + " is next opened",
                        left,
                        journal.file());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "the store's commit journal {} is kept (it is applied again at the next open): {}",
                    journal.file(),
                    e.toString());
        } finally {
            journal.close();
            appendLock.unlock();
        }
    }
}
