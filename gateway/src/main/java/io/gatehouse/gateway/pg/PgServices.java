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
        PreviewLimits preview) {
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
    }

    /** The defaults: built-in connector (10 s connect timeout), default decoder limits, the process environment. */
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
                PreviewLimits.defaults());
    }

    public PgServices withRecorder(Recorder other) {
        return new PgServices(
                store,
                other,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                connector,
                limits,
                environment,
                revocations,
                preview);
    }

    public PgServices withRevocations(AccessRevocations other) {
        return new PgServices(
                store,
                recorder,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                connector,
                limits,
                environment,
                other,
                preview);
    }

    public PgServices withEnvironment(Function<String, String> other) {
        return new PgServices(
                store,
                recorder,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                connector,
                limits,
                other,
                revocations,
                preview);
    }

    public PgServices withLimits(DecoderLimits other) {
        return new PgServices(
                store,
                recorder,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                connector,
                other,
                environment,
                revocations,
                preview);
    }

    public PgServices withPreview(PreviewLimits other) {
        return new PgServices(
                store,
                recorder,
                secrets,
                limiter,
                tls,
                clock,
                recordingDeadline,
                connector,
                limits,
                environment,
                revocations,
                other);
    }
}
