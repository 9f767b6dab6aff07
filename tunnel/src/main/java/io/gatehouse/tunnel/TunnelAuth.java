package io.gatehouse.tunnel;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * How a connector proves who it is: its connector token as a bearer credential in every call's metadata
 * ({@code authorization: Bearer <token>}, as gRPC's own OAuth credentials do). The channel is TLS with the
 * gateway's CA pinned, so the token only ever travels encrypted to the right gateway.
 */
public final class TunnelAuth {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private TunnelAuth() {}

    /** Call credentials that attach {@code token} to every call. */
    public static CallCredentials bearer(String token) {
        String header = BEARER + token;
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
                Metadata metadata = new Metadata();
                metadata.put(AUTHORIZATION, header);
                applier.apply(metadata);
            }

            @Override
            public String toString() {
                return "bearer <token redacted>";
            }
        };
    }

    /** The bearer token of a call, or empty when there is none or it is not a bearer credential. */
    public static Optional<String> tokenOf(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.startsWith(BEARER)) {
            return Optional.empty();
        }
        return Optional.of(value.substring(BEARER.length()).trim());
    }

    /** The status a gateway ends an unauthenticated call with; the text names no secret. */
    public static Status unauthenticated(String why) {
        return Status.UNAUTHENTICATED.withDescription(why);
    }
}
