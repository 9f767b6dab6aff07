package io.gatehouse.audit;

import io.gatehouse.audit.merkle.MerkleFrontier;
import io.gatehouse.audit.merkle.NodeSource;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.merkle.TreeNode;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.NoteSigner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a store holds, in memory: rows of (entry bytes, leaf hash), perfect-subtree nodes and checkpoint notes.
 * Tests tamper with the rows and notes as an attacker with write access to the store would.
 */
public final class TestLog implements NodeSource {
    public record Row(byte[] entry, byte[] leafHash) {}

    public final String origin;
    public final NoteSigner signer;
    public final List<Row> rows = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    private final MerkleFrontier frontier = MerkleFrontier.empty();
    private final Map<String, byte[]> nodes = new HashMap<>();

    public TestLog(String origin, NoteSigner signer) {
        this.origin = origin;
        this.signer = signer;
    }

    public static Event command(int i) {
        return Event.builder(EventKind.COMMAND)
                .timeMicros(1_700_000_000_000_000L + i)
                .session("session-" + (i / 4))
                .identity("agent-1")
                .connection("pg")
                .field("sql", Value.of("select " + i))
                .build();
    }

    /** A log of {@code n} command events with a checkpoint after each size in {@code checkpointSizes}. */
    public static TestLog of(String origin, NoteSigner signer, int n, int... checkpointSizes) {
        TestLog log = new TestLog(origin, signer);
        int next = 0;
        for (int i = 0; i <= n; i++) {
            while (next < checkpointSizes.length && checkpointSizes[next] == i) {
                log.checkpoint();
                next++;
            }
            if (i < n) {
                log.append(command(i));
            }
        }
        return log;
    }

    public void append(Event draft) {
        byte[] entry = EventCodec.encode(draft.sequenced(origin, rows.size()));
        byte[] leaf = Rfc6962.leafHash(entry);
        rows.add(new Row(entry, leaf));
        for (TreeNode node : frontier.append(leaf)) {
            nodes.put(node.level() + "/" + node.index(), node.hash());
        }
    }

    public Checkpoint currentCheckpoint() {
        return new Checkpoint(origin, frontier.size(), frontier.root());
    }

    public String checkpoint() {
        String note = signer.sign(currentCheckpoint());
        notes.add(note);
        return note;
    }

    @Override
    public byte[] node(int level, long index) {
        byte[] hash = nodes.get(level + "/" + index);
        if (hash == null) {
            throw new IllegalStateException("no node " + level + "/" + index);
        }
        return hash;
    }

    /** Replaces row {@code i} by an encoding of {@code event}; with {@code rehash}, the stored leaf hash too. */
    public void overwrite(int i, Event event, boolean rehash) {
        byte[] entry = EventCodec.encode(event);
        rows.set(
                i, new Row(entry, rehash ? Rfc6962.leafHash(entry) : rows.get(i).leafHash()));
    }

    public Event event(int i) throws MalformedRecordException {
        return EventCodec.decode(rows.get(i).entry());
    }
}
