package io.gatehouse.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the store keeps of a token: never the token itself, only its SHA-256 and the SCRAM-SHA-256
 * verifier (RFC 5802 / RFC 7677) that native PostgreSQL clients authenticate against.
 * {@link #toString()} leaves the hashes and keys out.
 *
 * @param prefix the first characters of the token, shown in listings so a person can tell tokens apart
 * @param expiresAt null if the token never expires
 * @param revokedAt null unless revoked
 * @param lastUsedAt null until first use
 */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record TokenRecord(
        String id,
        long identityId,
        String prefix,
        byte[] sha256,
        byte[] scramSalt,
        int scramIterations,
        byte[] scramStoredKey,
        byte[] scramServerKey,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {
    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(scramSalt, "scramSalt");
        Objects.requireNonNull(scramStoredKey, "scramStoredKey");
        Objects.requireNonNull(scramServerKey, "scramServerKey");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the token authenticates at {@code now}: not revoked and not (yet) expired. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenRecord that
                && id.equals(that.id)
                && identityId == that.identityId
                && prefix.equals(that.prefix)
                && Arrays.equals(sha256, that.sha256)
                && Arrays.equals(scramSalt, that.scramSalt)
                && scramIterations == that.scramIterations
                && Arrays.equals(scramStoredKey, that.scramStoredKey)
                && Arrays.equals(scramServerKey, that.scramServerKey)
                && createdAt.equals(that.createdAt)
                && Objects.equals(expiresAt, that.expiresAt)
                && Objects.equals(revokedAt, that.revokedAt)
                && Objects.equals(lastUsedAt, that.lastUsedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, identityId, Arrays.hashCode(sha256), createdAt, expiresAt, revokedAt, lastUsedAt);
    }

    @Override
    public String toString() {
        return "TokenRecord[id=" + id + ", identityId=" + identityId + ", prefix=" + prefix + ", createdAt="
                + createdAt + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + ", lastUsedAt=" + lastUsedAt
                + "]";
    }
}
