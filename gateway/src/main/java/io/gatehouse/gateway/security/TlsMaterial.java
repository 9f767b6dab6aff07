package io.gatehouse.gateway.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server certificate, its private key and the CA that clients pin, loaded from PEM files: either
 * the dev CA's ({@link DevCertificateAuthority#ensure}) or an operator's ({@link #fromPem}).
 *
 * <p>Holds the private key, so {@link #toString()} names only the files and the subject.
 */
public final class TlsMaterial {
    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;
    private final List<X509Certificate> chain;
    private final List<X509Certificate> caCertificates;
    private final PrivateKey privateKey;

    private TlsMaterial(
            Path caCertificate,
            Path serverCertificate,
            Path serverKey,
            List<X509Certificate> chain,
            List<X509Certificate> caCertificates,
            PrivateKey privateKey) {
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
        this.chain = List.copyOf(chain);
        this.caCertificates = List.copyOf(caCertificates);
        this.privateKey = privateKey;
    }

    /**
     * Loads operator-provided PEM files.
     *
     * @param certificate the server certificate, optionally followed by intermediates
     * @param key its unencrypted private key (PKCS#8, SEC 1 or PKCS#1 PEM)
     * @param ca the CA certificate(s) that clients should trust; appended to the chain the server
     *     sends when they are not already in it and the leaf is not self-signed
     * @throws IllegalStateException when a file is missing or malformed, or the key does not belong
     *     to the certificate
     */
    public static TlsMaterial fromPem(Path certificate, Path key, Path ca) {
        List<X509Certificate> certificates = PemCertificates.readCertificates(certificate);
        PrivateKey privateKey = PemCertificates.readPrivateKey(key);
        List<X509Certificate> cas = PemCertificates.readCertificates(ca);
        X509Certificate leaf = certificates.get(0);
        if (!PemCertificates.matches(privateKey, leaf)) {
            throw new IllegalStateException("private key " + key.toAbsolutePath() + " does not belong to certificate "
                    + certificate.toAbsolutePath() + " ("
                    + leaf.getSubjectX500Principal().getName()
                    + "); expected the key the certificate was issued for");
        }
        List<X509Certificate> chain = new ArrayList<>(certificates);
        for (X509Certificate caCert : cas) {
            if (!chain.contains(caCert) && !isSelfSigned(leaf)) {
                chain.add(caCert);
            }
        }
        return new TlsMaterial(
                ca.toAbsolutePath(), certificate.toAbsolutePath(), key.toAbsolutePath(), chain, cas, privateKey);
    }

    /** The PEM file with the CA certificate(s) clients pin ({@link ClientTls#trusting(Path)}). */
    public Path caCertificate() {
        return caCertificate;
    }

    public Path serverCertificate() {
        return serverCertificate;
    }

    public Path serverKey() {
        return serverKey;
    }

    /** The server's certificate (the leaf). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The chain the server sends: leaf first, then intermediates and the CA. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    public List<X509Certificate> caCertificates() {
        return caCertificates;
    }

    /**
     * An in-memory PKCS#12 key store holding the server key and chain under alias {@code server},
     * for servers configured with a {@link KeyStore} (Helidon, Netty's {@code SslContextBuilder}).
     */
    public KeyStore serverKeyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a PKCS#12 key store for " + serverCertificate, e);
        }
    }

    /** A TLS server context presenting this certificate chain; TLS 1.2 and 1.3 as the JDK enables. */
    public SSLContext serverContext() {
        char[] password = new char[16];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(serverKeyStore(password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS server context for " + serverCertificate, e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[certificate=" + serverCertificate + ", subject="
                + certificate().getSubjectX500Principal().getName() + ", key=" + serverKey + " (redacted), ca="
                + caCertificate + "]";
    }
}
