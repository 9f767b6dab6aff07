package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.security.AccessRevocations;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.store.Store;
import io.gatehouse.wire.pg.DecoderLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * What the PostgreSQL listener needs from the gateway.
 *
 * @param tls the gateway's server certificate, offered after SSLRequest
 * @param recordingDeadline how long a fail-closed statement waits for its record to become durable
 * @param limits bounds of the frontend and backend decoders (largest message, streaming threshold)
 * @param environment resolves {@code env:NAME} credential references (the gateway's own environment
 *     for the built-in connector)
 * @param revocations where the admin API announces revoked tokens and disabled identities
 * @param preview caps of the row preview recorded for connections with recording content {@code full}
 * @param startupTimeout how long a client connection may take from its first byte to the first
 *     ReadyForQuery (start-up, authentication, upstream login) before it is cut
 */
public record PgServices(
        Store store,
        Recorder recorder,
        SecretBox secrets,
        FailureRateLimiter limiter,
        SSLContext tls,
        Clock clock,
        Duration recordingDeadline,
        UpstreamConnector connector,
        DecoderLimits limits,
        Function<String, String> environment,
        AccessRevocations revocations,
        PreviewLimits preview,
        Duration startupTimeout) {
    public PgServices {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(recordingDeadline, "recordingDeadline");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(revocations, "revocations");
        Objects.requireNonNull(preview, "preview");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
    }

    /**
     * The defaults: built-in connector (10 s connect timeout), default decoder limits, the process environment,
     * 60 s to finish start-up (PostgreSQL's default authentication_timeout).
     */
    public static PgServices of(
            Store store,
            Recorder recorder,
            SecretBox secrets,
            FailureRateLimiter limiter,
            SSLContext tls,
            Clock clock,
            Duration recordingDeadline) {
        return new PgServices(
                store,
                recorder,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                new BuiltInConnector(Duration.ofSeconds(10)),
                DecoderLimits.defaults(),
                System::getenv,
                new AccessRevocations(),
                PreviewLimits.defaults(),
                Duration.ofSeconds(60));
    }

    public PgServices withRecorder(Recorder other) {
        return copy(c -> c.recorder = other);
    }

    public PgServices withConnector(UpstreamConnector other) {
        return copy(c -> c.connector = other);
    }

    public PgServices withRevocations(AccessRevocations other) {
        return copy(c -> c.revocations = other);
    }

    public PgServices withEnvironment(Function<String, String> other) {
        return copy(c -> c.environment = other);
    }

    public PgServices withLimits(DecoderLimits other) {
        return copy(c -> c.limits = other);
    }

    public PgServices withPreview(PreviewLimits other) {
        return copy(c -> c.preview = other);
    }

    public PgServices withStartupTimeout(Duration other) {
        return copy(c -> c.startupTimeout = other);
    }

    /** One place that spells out every component, so adding one means editing here and nowhere else. */
    private PgServices copy(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new PgServices(
                c.store,
                c.recorder,
                c.secrets,
                c.limiter,
                c.tls,
                c.clock,
                c.recordingDeadline,
                c.connector,
                c.limits,
                c.environment,
                c.revocations,
                c.preview,
                c.startupTimeout);
    }

    /** The components as mutable fields, for {@link #copy}. */
    private static final class Copy {
        final Store store;
        Recorder recorder;
        final SecretBox secrets;
        final FailureRateLimiter limiter;
        final SSLContext tls;
        final Clock clock;
        final Duration recordingDeadline;
        UpstreamConnector connector;
        DecoderLimits limits;
        Function<String, String> environment;
        AccessRevocations revocations;
        PreviewLimits preview;
        Duration startupTimeout;

        Copy(PgServices s) {
            store = s.store();
            recorder = s.recorder();
            secrets = s.secrets();
            limiter = s.limiter();
            tls = s.tls();
            clock = s.clock();
            recordingDeadline = s.recordingDeadline();
            connector = s.connector();
            limits = s.limits();
            environment = s.environment();
            revocations = s.revocations();
            preview = s.preview();
            startupTimeout = s.startupTimeout();
        }
    }
}
