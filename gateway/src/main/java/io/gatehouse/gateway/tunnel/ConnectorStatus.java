package io.gatehouse.gateway.tunnel;

import java.time.Instant;
import java.util.List;

/**
 * What {@code gatehouse connectors list} shows of one registered connector.
 *
 * @param version, address, connectedAt null when the connector is offline and was never seen
 * @param lastSeen the last time this gateway heard from it (now, while online)
 */
public record ConnectorStatus(
        String name,
        boolean online,
        String version,
        String hostname,
        String address,
        Instant connectedAt,
        Instant lastSeen,
        int streamsOpen,
        List<Target> targets,
        String tokenId,
        Instant createdAt) {
    /** A target's reachability as the connector last reported it. */
    public record Target(String target, boolean reachable, String error, Instant checkedAt) {}
}
