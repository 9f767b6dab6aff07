package io.gatehouse.audit.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashes of RFC 6962 §2.1 (unchanged in RFC 9162 §2.1.1). The 0x00/0x01 prefixes separate leaves from interior
 * nodes, so no leaf can be passed off as a node (second-preimage protection).
 */
public final class Rfc6962 {
    public static final int HASH_BYTES = 32;

    /**
     * One digest per thread, re-used: {@code MessageDigest.getInstance} looks up the provider and constructs
     * the digest reflectively, which cost more than hashing a 400-byte entry (profile of the log writer).
     * {@code digest()} resets it, and none of these methods calls another while using it.
     */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Rfc6962::sha256);

    private Rfc6962() {}

    /** SHA-256(0x00 ‖ entry). */
    public static byte[] leafHash(byte[] entry) {
        MessageDigest sha = DIGEST.get();
        sha.reset(); // in case an earlier call failed half-way
        sha.update((byte) 0x00);
        sha.update(entry);
        return sha.digest();
    }

    /** SHA-256(0x01 ‖ left ‖ right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = DIGEST.get();
        sha.reset();
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** The root of the empty tree: SHA-256 of the empty string. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
