package io.gatehouse.gateway.pg;

import io.gatehouse.store.UpstreamTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Client TLS contexts toward databases, one per {@link UpstreamTls} mode, built once. {@code require}
 * encrypts without checking the certificate (libpq's {@code sslmode=require}); {@code verify-full} checks
 * that the certificate chains to a CA the JVM trusts (its default trust store, or the one named by
 * {@code -Djavax.net.ssl.trustStore}) and that it names the target host.
 */
final class UpstreamTlsContexts {
    private static final SslContext REQUIRE = build(false);
    private static final SslContext VERIFY_FULL = build(true);

    private UpstreamTlsContexts() {}

    static SslContext forMode(UpstreamTls mode) {
        return switch (mode) {
            case REQUIRE -> REQUIRE;
            case VERIFY_FULL -> VERIFY_FULL;
            case DISABLE -> throw new IllegalArgumentException("upstream TLS is disabled; no context to build");
        };
    }

    private static SslContext build(boolean verify) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (verify) {
                builder.endpointIdentificationAlgorithm("HTTPS");
            } else {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }
}
