package io.gatehouse.gateway.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS client contexts that pin the gateway's CA: the CLI and the connector trust exactly the CA
 * certificate(s) in a PEM file, not the JDK's public CAs, so a certificate from any public CA for
 * the gateway's name is still refused.
 *
 * <p>Trust alone does not check the host name: set {@link #verifyHostname(SSLParameters)} (or use
 * an HTTPS client, which does it) so the certificate must also name the host connected to (RFC
 * 6125; for IP addresses an iPAddress SAN, RFC 5280 §4.2.1.6).
 */
public final class ClientTls {
    private ClientTls() {}

    /** A client context whose only trust anchors are the certificates in {@code caPem}. */
    public static SSLContext trusting(Path caPem) {
        List<X509Certificate> cas = PemCertificates.readCertificates(caPem);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS client context trusting " + caPem.toAbsolutePath(), e);
        }
    }

    /** Turns on host name verification (the JDK's "HTTPS" endpoint identification) and returns {@code parameters}. */
    public static SSLParameters verifyHostname(SSLParameters parameters) {
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }
}
