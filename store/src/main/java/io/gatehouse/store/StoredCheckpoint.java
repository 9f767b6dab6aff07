package io.gatehouse.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed checkpoint of a log as stored.
 *
 * @param note the complete signed note (C2SP checkpoint form, signature lines included)
 */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record StoredCheckpoint(long size, byte[] rootHash, String note, Instant createdAt) {
    public StoredCheckpoint {
        if (size < 0) {
            throw new IllegalArgumentException("checkpoint size " + size + " is negative");
        }
        Objects.requireNonNull(rootHash, "rootHash");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredCheckpoint that
                && size == that.size
                && Arrays.equals(rootHash, that.rootHash)
                && note.equals(that.note)
                && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, Arrays.hashCode(rootHash), note, createdAt);
    }

    @Override
    public String toString() {
        return "StoredCheckpoint[size=" + size + ", rootHash=" + HexFormat.of().formatHex(rootHash) + ", createdAt="
                + createdAt + "]";
    }
}
