package io.gatehouse.store.internal;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.StoreCorruptException;
import io.gatehouse.store.TreeNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One log append as a {@link CommitJournal} record: the origin, the entries with every column the store
 * keeps, and the tree nodes they complete. Big-endian, length-prefixed ({@link DataOutputStream}); the
 * journal's checksum guards it, so a record that fails to decode here is a bug or a foreign file.
 */
record JournalRecord(String origin, List<LogEntry> entries, List<TreeNode> nodes) {
    private static final int VERSION = 1;

    byte[] encode() {
        int estimate = 64 + origin.length();
        for (LogEntry entry : entries) {
            estimate += 64 + entry.entry().length + entry.leafHash().length;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate + nodes.size() * 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(origin);
            out.writeInt(entries.size());
            for (LogEntry entry : entries) {
                out.writeLong(entry.index());
                writeBytes(out, entry.leafHash());
                writeBytes(out, entry.entry());
                out.writeBoolean(entry.session() != null);
                if (entry.session() != null) {
                    out.writeUTF(entry.session());
                }
                out.writeUTF(entry.kind());
                out.writeLong(entry.timeMicros());
            }
            out.writeInt(nodes.size());
            for (TreeNode node : nodes) {
                out.writeByte(node.level());
                out.writeLong(node.index());
                writeBytes(out, node.hash());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static JournalRecord decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new StoreCorruptException("commit journal record of version " + version + " (expected " + VERSION
                        + "); was the journal written by a newer Gatehouse?");
            }
            String origin = in.readUTF();
            int count = in.readInt();
            List<LogEntry> entries = new ArrayList<>(Math.min(count, 4096));
            for (int i = 0; i < count; i++) {
                long index = in.readLong();
                byte[] leaf = readBytes(in);
                byte[] entry = readBytes(in);
                String session = in.readBoolean() ? in.readUTF() : null;
                String kind = in.readUTF();
                long time = in.readLong();
                entries.add(new LogEntry(index, leaf, entry, session, kind, time));
            }
            int nodeCount = in.readInt();
            List<TreeNode> nodes = new ArrayList<>(Math.min(nodeCount, 4096));
            for (int i = 0; i < nodeCount; i++) {
                int level = in.readUnsignedByte();
                long index = in.readLong();
                nodes.add(new TreeNode(level, index, readBytes(in)));
            }
            if (in.available() != 0) {
                throw new StoreCorruptException("commit journal record has " + in.available() + " trailing bytes");
            }
            return new JournalRecord(origin, List.copyOf(entries), List.copyOf(nodes));
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreCorruptException("commit journal record does not decode: " + e.getMessage(), e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("field length " + length + " exceeds the record");
        }
        return in.readNBytes(length);
    }
}
