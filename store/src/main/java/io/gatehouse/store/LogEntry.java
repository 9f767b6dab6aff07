package io.gatehouse.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One event of an audit log as stored: its canonical bytes and the RFC 6962 leaf hash {@code
 * SHA-256(0x00 || entry)} computed by the caller. The store does not re-hash: verification is the
 * audit module's job, and it must not trust the store anyway.
 *
 * @param index position in the log, from 0
 * @param session the session the event belongs to, or null
 * @param kind event kind, e.g. {@code command}
 * @param timeMicros event time, microseconds since the epoch
 */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record LogEntry(long index, byte[] leafHash, byte[] entry, String session, String kind, long timeMicros) {
    public LogEntry {
        Objects.requireNonNull(leafHash, "leafHash");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogEntry that
                && index == that.index
                && Arrays.equals(leafHash, that.leafHash)
                && Arrays.equals(entry, that.entry)
                && Objects.equals(session, that.session)
                && kind.equals(that.kind)
                && timeMicros == that.timeMicros;
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, Arrays.hashCode(leafHash), session, kind, timeMicros);
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", kind=" + kind + ", session=" + session + ", timeMicros=" + timeMicros
                + ", entry=" + entry.length + " bytes]";
    }
}
