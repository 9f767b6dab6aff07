package io.gatehouse.audit.bundle;

import java.util.Arrays;
import java.util.List;

/**
 * One exported event: its index in the log, its canonical encoding, and the RFC 9162 §2.1.3 inclusion proof of its
 * leaf in the bundle's checkpoint. Arrays are copied in and out.
 */
public record BundleEntry(long index, byte[] entry, List<byte[]> inclusionProof) {
    public BundleEntry {
        if (index < 0) {
            throw new IllegalArgumentException("entry index " + index + " is negative");
        }
        entry = entry.clone();
        inclusionProof = inclusionProof.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] entry() {
        return entry.clone();
    }

    @Override
    public List<byte[]> inclusionProof() {
        return inclusionProof.stream().map(byte[]::clone).toList();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof BundleEntry e)
                || e.index != index
                || !Arrays.equals(e.entry, entry)
                || e.inclusionProof.size() != inclusionProof.size()) {
            return false;
        }
        for (int i = 0; i < inclusionProof.size(); i++) {
            if (!Arrays.equals(e.inclusionProof.get(i), inclusionProof.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Long.hashCode(index) * 31 + Arrays.hashCode(entry);
        for (byte[] p : inclusionProof) {
            hash = hash * 31 + Arrays.hashCode(p);
        }
        return hash;
    }

    @Override
    public String toString() {
        return "BundleEntry[index=" + index + ", entry=" + entry.length + " bytes, proof=" + inclusionProof.size()
                + " hashes]";
    }
}
