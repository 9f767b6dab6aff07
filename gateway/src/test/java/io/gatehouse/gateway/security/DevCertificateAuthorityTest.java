package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateAuthorityTest {
    private final Instant now = Instant.now();

    @TempDir
    Path dir;

    private SSLServerSocket server;
    private Thread acceptor;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5_000);
        }
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** A TLS echo server on loopback, port 0: reads one byte and writes it back, per connection. */
    private int startServer(SSLContext context) throws IOException {
        server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout(5_000);
                    int b = socket.getInputStream().read();
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    // a refused handshake or the closing server socket: go on or stop
                }
            }
        });
        return server.getLocalPort();
    }

    /** Connects over loopback, presenting {@code hostname} for SNI and host name verification. */
    private static int echo(SSLContext client, String hostname, int port) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, hostname, port, true)) {
            socket.setSoTimeout(5_000);
            socket.setSSLParameters(ClientTls.verifyHostname(socket.getSSLParameters()));
            socket.startHandshake();
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            return socket.getInputStream().read();
        }
    }

    @Test
    void handshakeSucceedsForLocalhostAndLoopbackIpWhenPinningTheCa() throws Exception {
        TlsMaterial tls = DevCertificateAuthority.ensure(dir, List.of(), Clock.systemUTC());
        int port = startServer(tls.serverContext());
        SSLContext client = ClientTls.trusting(tls.caCertificate());

        assertThat(echo(client, "localhost", port)).isEqualTo(42);
        assertThat(echo(client, "127.0.0.1", port)).isEqualTo(42);
    }

    @Test
    void clientTrustingAnotherCaIsRefused() throws Exception {
        TlsMaterial tls = DevCertificateAuthority.ensure(dir.resolve("a"), List.of(), Clock.systemUTC());
        TlsMaterial other = DevCertificateAuthority.ensure(dir.resolve("b"), List.of(), Clock.systemUTC());
        int port = startServer(tls.serverContext());

        assertThatThrownBy(() -> echo(ClientTls.trusting(other.caCertificate()), "localhost", port))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void hostNameOutsideTheCertificateIsRefusedUntilRequested() throws Exception {
        TlsMaterial tls = DevCertificateAuthority.ensure(dir, List.of(), Clock.systemUTC());
        int port = startServer(tls.serverContext());
        SSLContext client = ClientTls.trusting(tls.caCertificate());
        assertThatThrownBy(() -> echo(client, "gateway.example.com", port)).isInstanceOf(SSLHandshakeException.class);
        server.close();
        acceptor.join(5_000);

        TlsMaterial reissued = DevCertificateAuthority.ensure(dir, List.of("gateway.example.com"), Clock.systemUTC());
        int newPort = startServer(reissued.serverContext());

        assertThat(echo(client, "gateway.example.com", newPort)).isEqualTo(42);
    }

    @Test
    void filesArePemWithOwnerOnlyKeys() throws Exception {
        DevCertificateAuthority.ensure(dir, List.of(), at(now));

        assertThat(Files.readString(dir.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(dir.resolve("server.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(FileSecrets.permissions(dir.resolve("ca.key"))).isEqualTo(FileSecrets.OWNER_ONLY);
        assertThat(FileSecrets.permissions(dir.resolve("server.key"))).isEqualTo(FileSecrets.OWNER_ONLY);
    }

    @Test
    void certificatesHaveTheDocumentedProfile() throws Exception {
        TlsMaterial tls =
                DevCertificateAuthority.ensure(dir, List.of("gateway.internal", "10.1.2.3", "0.0.0.0"), at(now));
        X509Certificate ca = tls.caCertificates().get(0);
        X509Certificate leaf = tls.certificate();

        assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getBasicConstraints()).isZero(); // CA:true, pathLen 0
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(Duration.between(now, ca.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(3649), Duration.ofDays(3651));

        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(Duration.between(now, leaf.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(364), Duration.ofDays(366));
        leaf.verify(ca.getPublicKey());
        Set<String> sans = leaf.getSubjectAlternativeNames().stream()
                .map(entry -> entry.get(0) + ":" + entry.get(1))
                .collect(Collectors.toSet());
        assertThat(sans)
                .containsExactlyInAnyOrder(
                        "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1", "2:gateway.internal", "7:10.1.2.3");
    }

    @Test
    void laterStartsReuseTheFiles() throws Exception {
        DevCertificateAuthority.ensure(dir, List.of(), at(now));
        String ca = Files.readString(dir.resolve("ca.crt"));
        String certificate = Files.readString(dir.resolve("server.crt"));
        String key = Files.readString(dir.resolve("server.key"));

        DevCertificateAuthority.ensure(dir, List.of("::1", "LOCALHOST"), at(now.plus(Duration.ofDays(300))));

        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(Files.readString(dir.resolve("server.crt"))).isEqualTo(certificate);
        assertThat(Files.readString(dir.resolve("server.key"))).isEqualTo(key);
    }

    @Test
    void serverCertificateNearExpiryIsReissuedUnderTheSameCa() throws Exception {
        TlsMaterial first = DevCertificateAuthority.ensure(dir, List.of(), at(now));
        String ca = Files.readString(dir.resolve("ca.crt"));
        Instant later = now.plus(Duration.ofDays(340)); // 25 days before expiry

        TlsMaterial second = DevCertificateAuthority.ensure(dir, List.of(), at(later));

        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(ca);
        assertThat(second.certificate().getSerialNumber())
                .isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(second.certificate().getNotAfter().toInstant()).isAfter(later.plus(Duration.ofDays(364)));
        second.certificate().verify(first.caCertificates().get(0).getPublicKey());
    }

    @Test
    void halfACaIsReportedRatherThanReplaced() throws Exception {
        DevCertificateAuthority.ensure(dir, List.of(), at(now));
        Files.delete(dir.resolve("ca.key"));

        assertThatThrownBy(() -> DevCertificateAuthority.ensure(dir, List.of(), at(now)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ca.crt exists without ca.key");
    }

    @Test
    void invalidExtraNameIsRejectedByName() {
        assertThatThrownBy(() -> DevCertificateAuthority.ensure(dir, List.of("bad name!"), at(now)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("certificate name 'bad name!' is neither an IP address nor a DNS name; "
                        + "expected e.g. gateway.example.com");
    }

    @Test
    void operatorPemFilesLoadIncludingSec1Keys() throws Exception {
        TlsMaterial dev = DevCertificateAuthority.ensure(dir, List.of(), at(now));
        // SEC 1 (RFC 5915) as `openssl ec` writes it: the curve named inside the ECPrivateKey.
        ECPrivateKey key = (ECPrivateKey) PemCertificates.readPrivateKey(dev.serverKey());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1Structure = new org.bouncycastle.asn1.sec.ECPrivateKey(
                256, key.getS(), new X962Parameters(SECObjectIdentifiers.secp256r1));
        StringWriter sec1 = new StringWriter();
        sec1.write(Pem.encode("EC PRIVATE KEY", sec1Structure.getEncoded()));
        Path sec1Key = dir.resolve("operator.key");
        FileSecrets.writeSecret(sec1Key, sec1.toString());

        TlsMaterial operator = TlsMaterial.fromPem(dev.serverCertificate(), sec1Key, dev.caCertificate());

        assertThat(sec1.toString()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(operator.certificate()).isEqualTo(dev.certificate());
        assertThat(operator.certificateChain()).hasSize(2);
        assertThat(operator.toString())
                .doesNotContain(sec1.toString().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void keyOfAnotherCertificateIsRejected() {
        TlsMaterial a = DevCertificateAuthority.ensure(dir.resolve("a"), List.of(), at(now));
        TlsMaterial b = DevCertificateAuthority.ensure(dir.resolve("b"), List.of(), at(now));

        assertThatThrownBy(() -> TlsMaterial.fromPem(a.serverCertificate(), b.serverKey(), a.caCertificate()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not belong to certificate");
    }

    @Test
    void serverKeyStoreHoldsKeyAndChain() throws Exception {
        TlsMaterial tls = DevCertificateAuthority.ensure(dir, List.of(), at(now));
        char[] password = "changeit".toCharArray();

        KeyStore store = tls.serverKeyStore(password);

        assertThat(store.isKeyEntry("server")).isTrue();
        assertThat(store.getKey("server", password)).isNotNull();
        assertThat(store.getCertificateChain("server")).hasSize(2);
        assertThat(store.getCertificateChain("server")[1])
                .isEqualTo(tls.caCertificates().get(0));
    }
}
