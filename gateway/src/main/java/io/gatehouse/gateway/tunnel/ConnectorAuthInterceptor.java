package io.gatehouse.gateway.tunnel;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.security.ConnectorTokens;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.Tokens;
import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.store.Store;
import io.gatehouse.tunnel.TunnelAuth;
import io.gatehouse.tunnel.v1.TunnelGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every tunnel call by its connector token (bearer metadata): the token's SHA-256 must be a
 * registered connector's. Failures are rate-limited per source address like client logins, answered with
 * UNAUTHENTICATED, and recorded as {@code blocked} events (without the token).
 */
final class ConnectorAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorAuthInterceptor.class);

    static final Context.Key<ConnectorRecord> CONNECTOR = Context.key("gatehouse-connector");
    static final Context.Key<String> SOURCE = Context.key("gatehouse-connector-source");

    private final Store store;
    private final FailureRateLimiter limiter;
    private final Recorder recorder;
    private final Clock clock;
    private static final long CACHE_NANOS = 5_000_000_000L;
    private final java.util.Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    ConnectorAuthInterceptor(Store store, FailureRateLimiter limiter, Recorder recorder, Clock clock) {
        this.store = store;
        this.limiter = limiter;
        this.recorder = recorder;
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String source = source(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        String host = host(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (limiter.check(host) instanceof FailureRateLimiter.Blocked blocked) {
            call.close(
                    Status.RESOURCE_EXHAUSTED.withDescription("too many failed connector logins from " + host
                            + "; retry in " + blocked.retryAfter().toSeconds() + " s"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Optional<String> token = TunnelAuth.tokenOf(headers);
        Optional<ConnectorRecord> connector = token.filter(
                        t -> ConnectorTokens.idOf(t).isPresent())
                .flatMap(t -> store.connectors().byTokenSha256(Tokens.sha256(t)));
        if (connector.isEmpty()) {
            limiter.recordFailure(host);
            String why = token.isEmpty() ? "no connector token" : "unknown or removed connector token";
            record(source, why, token.flatMap(ConnectorTokens::idOf).orElse(""));
            LOG.warn("connector login from {} refused: {}", source, why);
            call.close(TunnelAuth.unauthenticated(why), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        limiter.recordSuccess(host);
        Context context =
                Context.current().withValue(CONNECTOR, connector.get()).withValue(SOURCE, source);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /**
     * The connector a token belongs to. Data calls (one per session) run on the transport thread, so for them
     * a recent answer is reused for a few seconds instead of asking the store each time. That never lets a
     * removed connector back in: a data stream is only accepted for an open request sent on a live control
     * stream, and control streams always ask the store (and a removal cuts the live one at once).
     */
    private Optional<ConnectorRecord> lookup(String token, boolean mayUseCache) {
        String hash = java.util.HexFormat.of().formatHex(Tokens.sha256(token));
        Cached cached = cache.get(hash);
        long now = System.nanoTime();
        if (mayUseCache && cached != null && now - cached.at() < CACHE_NANOS) {
            return Optional.of(cached.connector());
        }
        Optional<ConnectorRecord> found = store.connectors().byTokenSha256(Tokens.sha256(token));
        if (found.isPresent()) {
            if (cache.size() > 1000) {
                cache.clear();
            }
            cache.put(hash, new Cached(found.get(), now));
        } else {
            cache.remove(hash);
        }
        return found;
    }

    private static boolean isData(ServerCall<?, ?> call) {
        return call.getMethodDescriptor()
                .getFullMethodName()
                .equals(TunnelGrpc.getDataMethod().getFullMethodName());
    }

    private record Cached(ConnectorRecord connector, long at) {}

    private void record(String source, String reason, String tokenId) {
        Event blocked = Event.builder(EventKind.BLOCKED)
                .timeMicros(ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()))
                .field("protocol", Value.of("tunnel"))
                .field("source", Value.of(source))
                .field("token", Value.of(tokenId))
                .field("reason", Value.of(reason))
                .build();
        try {
            recorder.appendBestEffort(blocked);
        } catch (RuntimeException e) {
            LOG.warn("cannot record a refused connector login: {}", e.getMessage());
        }
    }

    private static String source(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
