package io.gatehouse.audit.note;

import io.gatehouse.audit.internal.Text;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A log's signed statement of its size and root hash (c2sp.org/tlog-checkpoint): the body of a signed note is
 * {@code origin\nsize\nbase64(root)\n}. Gatehouse writes no extension lines and, to keep one checkpoint one text,
 * rejects bodies that have them.
 *
 * @param origin the log's unique name, e.g. {@code gatehouse.example.com/log}; also the {@link
 *     io.gatehouse.audit.Event#log()} of every event in it
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        checkOrigin(origin);
        if (size < 0) {
            throw new IllegalArgumentException("tree size " + size + " is negative");
        }
        if (rootHash.length != 32) {
            throw new IllegalArgumentException("root hash is " + rootHash.length + " bytes, expected 32 (SHA-256)");
        }
        rootHash = rootHash.clone();
    }

    static void checkOrigin(String origin) {
        Text.requireWellFormed(origin, "origin");
        if (origin.isEmpty()) {
            throw new IllegalArgumentException("origin is empty, expected a log name such as example.com/log");
        }
        for (int i = 0; i < origin.length(); i++) {
            // signed-note: no ASCII control characters; the origin is one line of the body.
            if (origin.charAt(i) < 0x20) {
                throw new IllegalArgumentException("origin contains control character U+"
                        + String.format("%04X", (int) origin.charAt(i)) + " at " + i + ", expected one line of text");
            }
        }
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    public String rootHex() {
        return HexFormat.of().formatHex(rootHash);
    }

    /** The note text: origin, decimal size, standard base64 root, each ending in a newline. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /** Parses a checkpoint body, strictly: exactly three lines, size in canonical decimal, 32-byte root. */
    public static Checkpoint parseBody(String body) throws CheckpointException {
        if (!body.endsWith("\n")) {
            throw new CheckpointException(CheckpointException.Reason.MALFORMED_BODY, "body does not end in newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length != 3) {
            throw new CheckpointException(
                    CheckpointException.Reason.MALFORMED_BODY,
                    "body has " + lines.length + " lines, expected 3 (origin, size, root hash)");
        }
        // tlog-checkpoint: the size is ASCII decimal without leading zeros, so a size has one text.
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new CheckpointException(
                    CheckpointException.Reason.MALFORMED_BODY,
                    "tree size '" + lines[1] + "' is not a decimal number without leading zeros");
        }
        long size;
        byte[] root;
        try {
            size = Long.parseLong(lines[1]);
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(
                    CheckpointException.Reason.MALFORMED_BODY,
                    "size or root hash unreadable (" + e.getMessage() + "), expected decimal size and base64 hash");
        }
        try {
            Checkpoint checkpoint = new Checkpoint(lines[0], size, root);
            if (!checkpoint.body().equals(body)) {
                throw new CheckpointException(
                        CheckpointException.Reason.MALFORMED_BODY, "root hash base64 is not in canonical form");
            }
            return checkpoint;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(CheckpointException.Reason.MALFORMED_BODY, e.getMessage());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint c
                && c.origin.equals(origin)
                && c.size == size
                && MessageDigest.isEqual(c.rootHash, rootHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(rootHash));
    }

    @Override
    public String toString() {
        return "Checkpoint[origin=" + origin + ", size=" + size + ", root=" + rootHex() + "]";
    }
}
