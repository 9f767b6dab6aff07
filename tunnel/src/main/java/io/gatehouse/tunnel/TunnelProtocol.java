package io.gatehouse.tunnel;

import java.time.Duration;

/** Constants both sides of the tunnel agree on (see tunnel.proto). */
public final class TunnelProtocol {
    /** The size of a Data frame's payload that either side sends at most; larger reads are split. */
    public static final int MAX_CHUNK = 64 * 1024;

    /**
     * Outbound bytes a data stream may have queued before it reports not ready (gRPC's default is 32 KiB,
     * less than one chunk, which turns every chunk into a wait for the transport thread).
     */
    public static final int ON_READY_THRESHOLD = Integer.getInteger("gatehouse.tunnel.ready-threshold", 1024 * 1024);

    /** The largest gRPC message either side accepts: a chunk plus framing, with room to spare. */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;

    /** How often heartbeats are sent, unless the gateway's Welcome says otherwise. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    /** A peer silent for this many heartbeat intervals is treated as gone. */
    public static final int MISSED_HEARTBEATS = 3;

    /** How often the connector probes its targets' reachability, unless Targets says otherwise. */
    public static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    private TunnelProtocol() {}
}
