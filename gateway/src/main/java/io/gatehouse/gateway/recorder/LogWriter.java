package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.merkle.MerkleFrontier;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.merkle.TreeNode;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.StoredCheckpoint;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one gateway instance's audit log, with group commit.
 *
 * <p>Design. Producers (sessions, the admin API) put events on a bounded queue and get a future. One
 * platform thread takes whatever is queued (up to {@code batchLimit}), gives each event its index (the next
 * log position), encodes it canonically, extends the Merkle frontier, and writes entries plus the perfect
 * subtrees they complete in ONE store transaction. Only when that transaction has committed (SQLite
 * {@code synchronous=FULL}, PostgreSQL synchronous commit) are the batch's futures completed, so a
 * fail-closed caller that waits on its future never acts on an undurable record. Many producers waiting at
 * once share one fsync: the cost of durability is per batch, not per event.
 *
 * <p>Invariants. Only the writer thread touches {@link #frontier}; indexes are dense and assigned in
 * commit order; a failed transaction leaves the frontier marked stale and it is re-derived from the store
 * before the next write, so an index is never reused for a different event. Memory is bounded: the queue
 * has a fixed capacity (a full queue refuses the producer) and the best-effort backlog kept while the store
 * is down is counted against {@code backlogLimit} at admission.
 *
 * <p>Deferred outcomes. A batch that holds only best-effort events (outcomes such as {@code command.result},
 * which nobody waits for) is held up to {@link #DEFER_NANOS} — blocking, not spinning — so that it shares a
 * transaction with the next event someone does wait for: at one client, statement n's result and statement
 * n+1's command then cost one fsync instead of two. A batch with a waiting producer is committed at once.
 * The writer parks ({@link LockSupport}) rather than blocking on the queue: producers wake it only when it is
 * idle, or when it holds such a batch and their event is waited for ({@link #wake}), so a stream of
 * best-effort events costs one wake-up per batch instead of one per event.
 * (An earlier adaptive busy-spin "linger" for concurrent producers measured no gain and burned a core on
 * this 2-core machine: docs/benchmarks.md.)
 *
 * <p>Checkpoints are signed by the same thread between batches, at most every {@code checkpointInterval},
 * whenever the log grew, and once more on close; a checkpoint's (size, root) is therefore always a state
 * that was committed.
 */
public final class LogWriter implements Recorder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final long DEFER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long after its last batch the log counts as active for {@link #take}. */
    private static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String origin;
    private final int seqOffset;
    private final LogRepository log;
    private final NoteSigner signer;
    private final Clock clock;
    private final int batchLimit;
    private final int backlogLimit;
    private final Duration checkpointInterval;
    /** How long an idle writer parks: a quarter of the checkpoint interval (50 ms if that is zero). */
    private final long idlePollNanos;

    private final BlockingQueue<Pending> queue;
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    /** Best-effort events admitted (reserved or queued) and not yet durable; at most {@code backlogLimit}. */
    private final AtomicInteger bestEffortOutstanding = new AtomicInteger();
    /** Waited-for events in the queue; at most {@code waitedLimit}, so reserved best-effort room always fits. */
    private final AtomicInteger waitedQueued = new AtomicInteger();

    private final int waitedLimit;
    /** {@link RecorderSettings#callerCommits}: producers of waited-for events may commit on their own thread. */
    private final boolean callerCommits;
    /**
     * Held by whoever commits a batch: the writer thread, or a producer committing its own events ({@link
     * #lead}). Guards the frontier, the backlog and the batch bookkeeping; the writer also holds it while it
     * defers a batch of outcomes, so that no producer commits past events the writer has in hand.
     */
    private final ReentrantLock commitLock = new ReentrantLock();
    /**
     * A producer commits only while commits are this quick ({@link #lead}): behind a slow disk it would hold
     * its event loop's other sessions for as long, so then the writer thread takes every commit again.
     */
    private static final long LEAD_MAX_COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Moving average (1/8 weight) of the last commits' duration. */
    private volatile long recentCommitNanos;
    /**
     * A producer commits only when no other session has asked for a durable record in this long ({@link
     * #lead}). Measured (docs/benchmarks.md, session 7): with 32 pgbench clients, sessions committing their own
     * record whenever theirs was the only one queued ran at 10.3k tps against 12.2-13.5k with every commit left to
     * the writer thread: an event loop doing a commit holds all its other sessions for the commit's fsync.
     */
    private static final long LEAD_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The session of the last waited-for append, and when one came from a different session than the one before. */
    private volatile String lastWaitedSession;

    private volatile long otherSessionNanos = System.nanoTime() - LEAD_QUIET_NANOS;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicLong refusedCommands = new AtomicLong();
    /** Batches committed, and the time spent in their store transactions (inserts, commit, fsync). */
    private final AtomicLong commits = new AtomicLong();

    private final AtomicLong commitNanos = new AtomicLong();
    private final Thread thread;
    /** What the writer thread is doing, for {@link #wake}: RUNNING, IDLE (parked for events) or DEFERRING. */
    private volatile int writerState = RUNNING;
    /** When the last batch was committed (under {@link #commitLock}); and, writer thread only, whether
     * awaitWork() already held the batch. */
    private volatile long lastWrittenNanos = System.nanoTime() - ACTIVE_NANOS;

    private boolean heldAlready;

    private static final int RUNNING = 0;
    private static final int IDLE = 1;
    private static final int DEFERRING = 2;

    private MerkleFrontier frontier;
    private volatile boolean frontierStale;
    /**
     * Writer thread only: the first index of the last batch whose append threw, until the next attempt has read
     * the store's size; -1 otherwise. An append can throw after its transaction committed (the commit's reply
     * lost on the network, a PostgreSQL store's connection dropped just then), so the retry first checks whether
     * the store already holds that batch ({@link #dropCommitted}).
     */
    private long failedBase = -1;

    private volatile TreeHead head;
    /** Written by the writer thread ({@link #maybeCheckpoint}), read by producers too ({@link #checkpointDue}). */
    private volatile long checkpointedSize;

    private volatile Instant lastCheckpointAt = Instant.EPOCH;
    private volatile boolean running = true;
    /** Set when a batch fails, cleared when one commits: the store is down, not merely busy. */
    private volatile boolean storeFailing;

    /** A queued event, already encoded by its producer except for its position ({@link EventCodec#encodeForLog}). */
    private record Pending(Event draft, byte[] encoded, CompletableFuture<Long> future) {
        boolean bestEffort() {
            return future == null;
        }
    }

    /** The committed state of the log: size and Merkle root. */
    public record TreeHead(long size, byte[] rootHash) {}

    LogWriter(
            String origin,
            LogRepository log,
            NoteSigner signer,
            MerkleFrontier frontier,
            long checkpointedSize,
            RecorderSettings settings,
            Clock clock) {
        this.origin = origin;
        this.seqOffset = EventCodec.seqOffset(origin);
        this.log = log;
        this.signer = signer;
        this.clock = clock;
        this.frontier = frontier;
        this.head = new TreeHead(frontier.size(), frontier.root());
        this.checkpointedSize = checkpointedSize;
        this.batchLimit = settings.batchLimit();
        this.backlogLimit = settings.queueCapacity();
        this.checkpointInterval = settings.checkpointInterval();
        // computed once: Duration.dividedBy goes through BigDecimal, and the writer asked for it at every batch
        Duration quarter = checkpointInterval.dividedBy(4);
        this.idlePollNanos = quarter.isZero() ? TimeUnit.MILLISECONDS.toNanos(50) : quarter.toNanos();
        this.waitedLimit = settings.queueCapacity();
        this.callerCommits = settings.callerCommits();
        // room for a full best-effort backlog plus a full share of waited-for events
        this.queue = new ArrayBlockingQueue<>(backlogLimit + waitedLimit);
        this.thread =
                Thread.ofPlatform().name("gatehouse-log-writer").daemon(false).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    public String origin() {
        return origin;
    }

    /** The last committed (size, root). */
    public TreeHead head() {
        return head;
    }

    public long written() {
        return written.get();
    }

    public long failedBatches() {
        return failedBatches.get();
    }

    /** Batches committed since start. */
    public long commits() {
        return commits.get();
    }

    /** Time spent in the store transactions of committed batches since start (inserts, commit and its fsync). */
    public long commitNanos() {
        return commitNanos.get();
    }

    /** Commands refused (not executed) because their record was not durable in time; see {@link #commandsRefused}. */
    public long refusedCommands() {
        return refusedCommands.get();
    }

    @Override
    public void commandsRefused(int commands) {
        refusedCommands.addAndGet(commands);
    }

    /**
     * True from a failed batch until the next one commits: the store cannot take writes, whether or not it can
     * still be read (a full disk leaves SQLite readable). Nothing is tried while nothing is queued, so after an
     * outage ends this clears with the next event written.
     */
    public boolean failing() {
        return storeFailing;
    }

    /** Best-effort events accepted but not yet durable (the "spool"); non-zero while the store is down. */
    public int backlog() {
        return bestEffortOutstanding.get();
    }

    @Override
    public CompletableFuture<Long> append(Event draft) {
        CompletableFuture<Long> future = enqueueWaited(draft);
        if (!future.isDone()) {
            lead(1, draft.session());
        }
        return future;
    }

    /** Queues all, then commits (or wakes the writer) once: a pipeline's commands share one commit. */
    @Override
    public CompletableFuture<Void> appendAll(List<Event> drafts) {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[drafts.size()];
        int queued = 0;
        for (int i = 0; i < futures.length; i++) {
            futures[i] = enqueueWaited(drafts.get(i));
            queued += futures[i].isDone() ? 0 : 1;
        }
        if (queued > 0) {
            lead(queued, drafts.get(0).session());
        }
        return CompletableFuture.allOf(futures);
    }

    private CompletableFuture<Long> enqueueWaited(Event draft) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(new RecordingUnavailableException("the recorder is shutting down"));
        } else if (waitedQueued.incrementAndGet() > waitedLimit
                || !queue.offer(new Pending(draft, EventCodec.encodeForLog(draft, origin), future))) {
            waitedQueued.decrementAndGet();
            future.completeExceptionally(new RecordingUnavailableException(
                    "the recorder queue is full (" + queue.size() + " events waiting); the store is too slow or down"));
        }
        return future;
    }

    /**
     * After a producer queued waited-for events: commits them on the producer's thread if nobody is committing
     * ({@link RecorderSettings#callerCommits}), else wakes the writer thread.
     *
     * <p>Why. Handing an event to the writer thread and being handed the answer back costs two thread wake-ups,
     * which on a 2-vCPU VM measured about as much as the commit itself at one client (docs/benchmarks.md). A
     * producer whose events are the only waited-for ones, and that finds the commit lock free, commits whatever
     * is queued (its events, and outcomes queued before them, in order) and completes the futures itself, so a
     * fail-closed command's wait is its commit. When others wait too, the producer wakes the writer as before
     * and the events join the next group commit: a producer that committed for everyone would hold its event
     * loop's other sessions for the commit (measured: fail-closed at 32 clients fell from 0.66x to 0.52x of
     * best-effort when every free lock was taken). A store in trouble (a backlog kept, the frontier to re-derive) is left to the writer
     * thread, which retries with pauses: a producer never blocks on recovery. Nor on a slow disk: while the
     * recent commits took over {@link #LEAD_MAX_COMMIT_NANOS}, producers leave them to the writer thread.
     * Nor while several sessions are asking for durable records ({@link #LEAD_QUIET_NANOS}): their records
     * arrive one at a time, so each would find itself alone in the queue and commit on its event loop, holding
     * that loop's other sessions; the writer thread's group commit serves them better.
     */
    private void lead(int mine, String session) {
        long now = System.nanoTime();
        if (session != null && !session.equals(lastWaitedSession)) {
            if (lastWaitedSession != null) {
                otherSessionNanos = now; // two sessions interleave: concurrency, not a lone session
            }
            lastWaitedSession = session;
        }
        if (!callerCommits
                || now - otherSessionNanos < LEAD_QUIET_NANOS
                || frontierStale
                || recentCommitNanos > LEAD_MAX_COMMIT_NANOS
                || waitedQueued.get() > mine
                || commitLock.isHeldByCurrentThread()
                || !commitLock.tryLock()) {
            wake(true);
            return;
        }
        try {
            if (frontierStale || !backlog.isEmpty()) {
                wake(true);
                return;
            }
            List<Pending> batch = new ArrayList<>();
            queue.drainTo(batch, batchLimit);
            if (!batch.isEmpty()) {
                write(batch);
            }
            if (checkpointDue()) {
                LockSupport.unpark(thread); // signing is the writer thread's: it may sleep a checkpoint interval
            }
        } finally {
            commitLock.unlock();
        }
        if (waitedQueued.get() > 0) {
            wake(true); // more than one batch was queued, or events came during the commit
        }
    }

    @Override
    public void appendBestEffort(Event draft) {
        reserveBestEffort(1);
        appendReserved(draft);
    }

    @Override
    public void reserveBestEffort(int events) {
        if (!running) {
            throw new RecordingUnavailableException("the recorder is shutting down");
        }
        if (bestEffortOutstanding.addAndGet(events) > backlogLimit) {
            bestEffortOutstanding.addAndGet(-events);
            throw new RecordingUnavailableException("the best-effort backlog is full (" + backlogLimit
                    + " events); refusing rather than losing records");
        }
    }

    @Override
    public void appendReserved(Event draft) {
        if (!running) {
            bestEffortOutstanding.decrementAndGet();
            throw new RecordingUnavailableException("the recorder is shutting down");
        }
        byte[] encoded = EventCodec.encodeForLog(draft, origin); // on the producer's thread, not the writer's
        if (!queue.offer(new Pending(draft, encoded, null))) {
            // Unreachable while reservations are honoured: the queue holds backlogLimit + waitedLimit.
            bestEffortOutstanding.decrementAndGet();
            throw new RecordingUnavailableException("the recorder queue is full; refusing rather than losing records");
        }
        wake(false);
    }

    @Override
    public void releaseReserved(int events) {
        bestEffortOutstanding.addAndGet(-events);
    }

    @Override
    public boolean bestEffortBehind() {
        return !storeFailing && bestEffortOutstanding.get() > backlogLimit / 2;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchLimit);
        while (running || !queue.isEmpty() || (!backlog.isEmpty() && !frontierStale)) {
            try {
                boolean queued = awaitWork(pollTimeoutNanos());
                commitLock.lock();
                try {
                    while (!backlog.isEmpty() && batch.size() < batchLimit) {
                        batch.add(backlog.pollFirst());
                    }
                    if (queued) {
                        int before = batch.size();
                        queue.drainTo(batch, batchLimit - batch.size());
                        if (!heldAlready && batch.size() > before) {
                            deferOutcomes(batch);
                        }
                    }
                    if (!batch.isEmpty()) {
                        write(batch);
                        batch.clear();
                    }
                } catch (RuntimeException e) {
                    // write() handles store failures itself; anything here is a bug, and must not kill the writer.
                    LOG.error("log writer: unexpected failure; continuing", e);
                    failAll(batch, e);
                    batch.clear();
                } finally {
                    commitLock.unlock();
                }
                // outside the lock: storing a checkpoint waits for the store, and producers may commit meanwhile
                maybeCheckpoint(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!running && frontierStale && !backlog.isEmpty()) {
                break; // store still down at shutdown: what is left is reported below
            }
        }
        commitLock.lock();
        try {
            if (!backlog.isEmpty()) {
                LOG.error(
                        "log writer stopped with {} best-effort events not written (store unavailable)",
                        backlog.size());
            }
        } finally {
            commitLock.unlock();
        }
        maybeCheckpoint(true);
    }

    /**
     * Waits up to {@code timeoutNanos} (less if woken) for queued events, without taking them; true if some
     * are queued. The caller then takes them under {@link #commitLock} (a producer may have committed them
     * meanwhile, {@link #lead}).
     *
     * <p>While the log is active (a batch was written in the last {@link #ACTIVE_NANOS}), the writer waits in
     * short holds of {@link #DEFER_NANOS} that only a waited-for event ends, as in {@link #deferOutcomes}: an
     * outcome appended while the writer is empty then does not wake it, and is committed with the next
     * command (or when the hold ends). At one client this saves a thread wake-up per statement. An idle log
     * parks for {@code timeoutNanos}, and any event wakes it.
     */
    private boolean awaitWork(long timeoutNanos) throws InterruptedException {
        heldAlready = false;
        if (!queue.isEmpty()) {
            return true;
        }
        boolean active = System.nanoTime() - lastWrittenNanos < ACTIVE_NANOS && backlog.isEmpty() && !frontierStale;
        writerState = active ? DEFERRING : IDLE;
        try {
            // re-checked after publishing the state: a producer that missed it has queued
            if (queue.isEmpty() && running) {
                if (active) {
                    holdForWaited(System.nanoTime() + DEFER_NANOS);
                    heldAlready = true;
                } else {
                    LockSupport.parkNanos(this, timeoutNanos);
                }
            }
        } finally {
            writerState = RUNNING;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return !queue.isEmpty();
    }

    /** Parks until {@code deadline} or until a waited-for event is counted (writer state DEFERRING). */
    private void holdForWaited(long deadline) throws InterruptedException {
        long left;
        // waitedQueued counts waited-for events offered and not yet completed; none are in the writer's hands
        // here, so a non-zero count means one is queued (or being queued: then it is taken by the next round).
        while (running && waitedQueued.get() == 0 && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * Holds a batch of only best-effort events up to {@link #DEFER_NANOS}, so that it shares its commit with
     * the next event someone waits for; returns early when such an event is queued. Best-effort producers do
     * not wake the writer meanwhile (one wake-up per event was measured as most of the writer's kernel time).
     */
    private void deferOutcomes(List<Pending> batch) throws InterruptedException {
        if (!running || batch.size() >= batchLimit || waitedIn(batch)) {
            return;
        }
        long deadline = System.nanoTime() + DEFER_NANOS;
        writerState = DEFERRING;
        try {
            holdForWaited(deadline);
        } finally {
            writerState = RUNNING;
        }
        queue.drainTo(batch, batchLimit - batch.size());
    }

    private static boolean waitedIn(List<Pending> batch) {
        for (Pending pending : batch) {
            if (!pending.bestEffort()) {
                return true;
            }
        }
        return false;
    }

    /** After a producer queued an event: wakes the writer if it sleeps and this event should end the sleep. */
    private void wake(boolean waited) {
        int state = writerState;
        if (state == IDLE || (waited && state == DEFERRING)) {
            LockSupport.unpark(thread);
        }
    }

    private long pollTimeoutNanos() {
        return !backlog.isEmpty() || frontierStale ? RETRY_PAUSE.toNanos() : idlePollNanos;
    }

    private void write(List<Pending> batch) {
        long base = -1;
        try {
            if (frontierStale) {
                frontier = Recovery.frontierFromStore(log, origin);
                frontierStale = false;
                if (failedBase >= 0 && frontier.size() > failedBase) {
                    dropCommitted(batch, failedBase, frontier.size());
                }
                failedBase = -1;
                if (batch.isEmpty()) {
                    storeFailing = false;
                    lastWrittenNanos = System.nanoTime();
                    head = new TreeHead(frontier.size(), frontier.root());
                    return;
                }
            }
            base = frontier.size();
            List<LogEntry> entries = new ArrayList<>(batch.size());
            List<TreeNode> nodes = new ArrayList<>(batch.size() * 2);
            for (int i = 0; i < batch.size(); i++) {
                Pending pending = batch.get(i);
                Event event = pending.draft();
                // the encoding is the producer's; only the position is decided here (a retried batch gets new ones)
                byte[] bytes = pending.encoded();
                EventCodec.placeAt(bytes, seqOffset, base + i);
                byte[] leaf = Rfc6962.leafHash(bytes);
                for (TreeNode node : frontier.append(leaf)) {
                    if (StoredTree.persisted(node)) {
                        nodes.add(node);
                    }
                }
                entries.add(new LogEntry(
                        base + i, leaf, bytes, event.session(), event.kind().wireName(), event.timeMicros()));
            }
            long appendStarted = System.nanoTime();
            log.append(origin, entries, toStoreNodes(nodes));
            long took = System.nanoTime() - appendStarted;
            commitNanos.addAndGet(took);
            recentCommitNanos = recentCommitNanos - (recentCommitNanos >> 3) + (took >> 3);
            commits.incrementAndGet();
            if (storeFailing) {
                storeFailing = false;
            }
            lastWrittenNanos = System.nanoTime();
            head = new TreeHead(frontier.size(), frontier.root());
            written.addAndGet(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                if (p.bestEffort()) {
                    bestEffortOutstanding.decrementAndGet();
                } else {
                    waitedQueued.decrementAndGet();
                    p.future().complete(base + i);
                }
            }
        } catch (RuntimeException e) {
            if (base >= 0) {
                failedBase = base;
            }
            frontierStale = true;
            storeFailing = true;
            failedBatches.incrementAndGet();
            LOG.warn("audit log '{}': batch of {} events not written: {}", origin, batch.size(), e.toString());
            failAll(batch, e);
        }
    }

    /**
     * The store holds entries [{@code from}, {@code to}) that this writer was told had failed: only this writer
     * appends to its log, and an append is one transaction, so they are exactly the last failed batch, committed
     * after all. Its best-effort events, kept for a retry and now at the head of {@code batch}, are taken out of
     * it (matched by their bytes, which still carry the positions they were stored at), so that they are not
     * written twice. Its waited-for events were refused to their producers already; they stay in the log, as
     * the commands that were recorded but not executed (each session records a {@code blocked} event for them).
     */
    private void dropCommitted(List<Pending> batch, long from, long to) {
        Set<ByteBuffer> stored = new HashSet<>();
        for (LogEntry entry : log.read(origin, from, (int) Math.min(Integer.MAX_VALUE, to - from))) {
            stored.add(ByteBuffer.wrap(entry.entry()));
        }
        int dropped = 0;
        for (Iterator<Pending> it = batch.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.bestEffort() && stored.contains(ByteBuffer.wrap(p.encoded()))) {
                it.remove();
                bestEffortOutstanding.decrementAndGet();
                dropped++;
            }
        }
        written.addAndGet(to - from);
        LOG.warn(
                "audit log '{}': the batch at {} reported as failed had been committed ({} events); its {} kept"
                        + " best-effort events are not written again",
                origin,
                from,
                to - from,
                dropped);
    }

    private void failAll(List<Pending> batch, RuntimeException cause) {
        RecordingUnavailableException failure =
                new RecordingUnavailableException("the recording store is unavailable: " + cause.getMessage(), cause);
        List<Pending> keep = new ArrayList<>();
        for (Pending p : batch) {
            if (p.bestEffort()) {
                keep.add(p); // best-effort events are kept and retried, never dropped
            } else {
                waitedQueued.decrementAndGet();
                p.future().completeExceptionally(failure);
            }
        }
        for (int i = keep.size() - 1; i >= 0; i--) {
            backlog.addFirst(keep.get(i));
        }
    }

    private static List<io.gatehouse.store.TreeNode> toStoreNodes(List<TreeNode> nodes) {
        List<io.gatehouse.store.TreeNode> out = new ArrayList<>(nodes.size());
        for (TreeNode n : nodes) {
            out.add(new io.gatehouse.store.TreeNode(n.level(), n.index(), n.hash()));
        }
        return out;
    }

    private boolean checkpointDue() {
        return head.size() > checkpointedSize
                && !frontierStale
                && !clock.instant().isBefore(lastCheckpointAt.plus(checkpointInterval));
    }

    /**
     * Writer thread only, without {@link #commitLock}: {@link #head} is always a committed state, whoever
     * committed it, so a checkpoint of it is correct while producers commit further.
     */
    private void maybeCheckpoint(boolean force) {
        TreeHead current = head;
        if (current.size() <= checkpointedSize || frontierStale) {
            return;
        }
        Instant now = clock.instant();
        if (!force && now.isBefore(lastCheckpointAt.plus(checkpointInterval))) {
            return;
        }
        try {
            String note = signer.sign(new Checkpoint(origin, current.size(), current.rootHash()));
            log.addCheckpoint(origin, new StoredCheckpoint(current.size(), current.rootHash(), note, now));
            checkpointedSize = current.size();
            lastCheckpointAt = now;
        } catch (RuntimeException e) {
            LOG.warn("audit log '{}': checkpoint at size {} not stored: {}", origin, current.size(), e.toString());
        }
    }

    /** Stops taking events, writes what is queued, signs a final checkpoint, and returns when done. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            if (!p.bestEffort()) {
                waitedQueued.decrementAndGet();
                p.future().completeExceptionally(new RecordingUnavailableException("the recorder shut down"));
            }
        }
    }
}
