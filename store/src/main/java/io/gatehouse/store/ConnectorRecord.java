package io.gatehouse.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A registered connector: a process next to some resources that dials out to the gateway. The store keeps
 * only its token's id and SHA-256, never the token. {@link #toString()} leaves the hash out.
 *
 * @param tokenId the public id of the connector's token (shown in listings)
 * @param lastSeenAt when a gateway last heard from it (hello or goodbye), or null if never
 * @param lastAddress the address it last connected from, or null
 * @param lastVersion the software version it last reported, or null
 */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record ConnectorRecord(
        String name,
        String tokenId,
        byte[] tokenSha256,
        Instant createdAt,
        Instant lastSeenAt,
        String lastAddress,
        String lastVersion) {
    public ConnectorRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectorRecord that
                && name.equals(that.name)
                && tokenId.equals(that.tokenId)
                && Arrays.equals(tokenSha256, that.tokenSha256)
                && Objects.equals(createdAt, that.createdAt)
                && Objects.equals(lastSeenAt, that.lastSeenAt)
                && Objects.equals(lastAddress, that.lastAddress)
                && Objects.equals(lastVersion, that.lastVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tokenId, Arrays.hashCode(tokenSha256), createdAt, lastSeenAt);
    }

    @Override
    public String toString() {
        return "ConnectorRecord[name=" + name + ", tokenId=" + tokenId + ", createdAt=" + createdAt + ", lastSeenAt="
                + lastSeenAt + ", lastAddress=" + lastAddress + ", lastVersion=" + lastVersion + "]";
    }
}
