package io.gatehouse.store.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which command texts each session already has in the trigram index ({@code command_text}), so that a text is
 * added once per session instead of once per command. The text search is by session ({@code sessions list
 * --search}): a session is found when any one of its commands holds the text, so one indexed command per
 * distinct text and session finds the same sessions. A prepared statement executed many times (pgJDBC, an ORM,
 * pgbench -M prepared) then costs the trigram index nothing after its first execution; FTS5 was ~5 µs of the
 * indexer's ~15 µs per command (IndexerCpu, docs/benchmarks.md).
 *
 * <p>Texts are remembered by SHA-256 digest, not by a cheap hash: a text whose hash collided with an earlier one of
 * its session would be left out of the index, and an agent must not be able to hide a command from the search by
 * crafting such a text. Memory is bounded: at most {@link #TEXTS_PER_SESSION} texts per session (later new texts are
 * indexed every time, as before) and {@link #SESSIONS} sessions (the least recently indexed is forgotten; its texts
 * are then indexed again, which is harmless). Ended sessions are forgotten at once.
 *
 * <p>Only what a committed index transaction added is remembered ({@link Pick#commit}): after a rolled-back or lost
 * transaction the same texts are picked again. Not thread-safe: the indexer's one thread uses it.
 */
final class IndexedTexts {
    static final int TEXTS_PER_SESSION = 64;
    static final int SESSIONS = 4096;

    private final Map<String, Set<ByteBuffer>> bySession = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<ByteBuffer>> eldest) {
            return size() > SESSIONS;
        }
    };
    private final MessageDigest sha256;

    IndexedTexts() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The commands of one batch whose texts go into the trigram index, and what to remember once committed. */
    final class Pick {
        /** Positions in the batch's command list. */
        final List<Integer> positions = new ArrayList<>();

        private final List<Map.Entry<String, ByteBuffer>> learned = new ArrayList<>();

        /** Remembers this pick's texts: call only after the transaction that indexed them committed. */
        void commit() {
            for (Map.Entry<String, ByteBuffer> e : learned) {
                Set<ByteBuffer> texts = bySession.computeIfAbsent(e.getKey(), s -> new HashSet<>());
                if (texts.size() < TEXTS_PER_SESSION) {
                    texts.add(e.getValue());
                }
            }
        }
    }

    /**
     * Picks, from the batch's commands in order ({@code sessions[i]}, {@code texts[i]}; null texts are never
     * indexed), those whose text is new to its session: not indexed by an earlier committed batch nor by an
     * earlier command of this one.
     */
    Pick pick(List<String> sessions, List<String> texts) {
        Pick pick = new Pick();
        Map<String, Set<ByteBuffer>> inBatch = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                continue;
            }
            String session = sessions.get(i);
            // a ByteBuffer's equals and hashCode are those of its content
            ByteBuffer digest = ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
            Set<ByteBuffer> known = bySession.get(session);
            if (known != null && known.contains(digest)) {
                continue;
            }
            if (!inBatch.computeIfAbsent(session, s -> new HashSet<>()).add(digest)) {
                continue;
            }
            pick.positions.add(i);
            pick.learned.add(Map.entry(session, digest));
        }
        return pick;
    }

    /** The session ended: none of its commands will come again. */
    void forget(String session) {
        bySession.remove(session);
    }

    /** The trigram index was emptied. */
    void clear() {
        bySession.clear();
    }
}
