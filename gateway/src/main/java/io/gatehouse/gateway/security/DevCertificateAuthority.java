package io.gatehouse.gateway.security;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development certificate authority: "TLS everywhere" without setup. On first start it creates,
 * in {@code tlsDir}:
 *
 * <ul>
 *   <li>{@code ca.crt} / {@code ca.key} (0600): a CA, EC P-256, SHA256withECDSA, valid 10 years;
 *       basicConstraints CA:true pathLen 0, keyUsage keyCertSign|cRLSign, both critical (RFC 5280
 *       §4.2.1.9, §4.2.1.3).
 *   <li>{@code server.crt} / {@code server.key} (0600): a server certificate signed by it, valid 1
 *       year, SANs localhost, 127.0.0.1, ::1 and the caller's names, extendedKeyUsage serverAuth and
 *       clientAuth. The subject CN is not used for host matching (RFC 6125 §6.4.4 prefers SANs),
 *       but set for readability.
 * </ul>
 *
 * <p>Later starts reuse the files. The server certificate is re-issued by the same CA when it
 * expires within {@link #RENEW_BEFORE}, is not yet valid, was not issued by this CA, does not match
 * its key, or lacks a requested name; clients that pinned {@code ca.crt} keep working. The CA is
 * only replaced when it itself expires within {@link #RENEW_BEFORE}, with a warning, since every
 * client must then re-pin.
 *
 * <p>Not for production: the CA key sits next to the server key. Operators configure their own
 * certificates with {@link TlsMaterial#fromPem}.
 */
public final class DevCertificateAuthority {
    private static final Logger log = LoggerFactory.getLogger(DevCertificateAuthority.class);

    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER_CERTIFICATE = "server.crt";
    public static final String SERVER_KEY = "server.key";

    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration SERVER_VALIDITY = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** Backdating tolerates clients whose clocks are a little behind ours. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    /** Names every dev server certificate carries. */
    public static final List<String> DEFAULT_NAMES = List.of("localhost", "127.0.0.1", "::1");

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Pattern DNS_NAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private DevCertificateAuthority() {}

    /**
     * Ensures the dev CA and a current server certificate exist in {@code tlsDir} and loads them.
     *
     * @param extraNames DNS names or IP literals to include besides {@link #DEFAULT_NAMES}, e.g.
     *     the bind address or the host name clients use; wildcard bind addresses (0.0.0.0, ::) are
     *     skipped because no client connects to them
     * @param clock the time that decides validity and renewal
     * @throws IllegalArgumentException when an extra name is neither an IP literal nor a DNS name
     * @throws IllegalStateException when {@code tlsDir} is not writable or holds half a pair (a
     *     certificate without its key or the reverse) of the CA
     */
    public static TlsMaterial ensure(Path tlsDir, Collection<String> extraNames, Clock clock) {
        Set<SubjectName> wanted = new LinkedHashSet<>();
        for (String name : DEFAULT_NAMES) {
            wanted.add(SubjectName.parse(name));
        }
        for (String name : extraNames) {
            SubjectName parsed = SubjectName.parse(name);
            if (!parsed.isWildcardAddress()) {
                wanted.add(parsed);
            }
        }
        Path dir = FileSecrets.ensureWritableDirectory(tlsDir);
        Instant now = clock.instant();
        Authority authority = loadOrCreateAuthority(dir, now);
        Path certificateFile = dir.resolve(SERVER_CERTIFICATE);
        Path keyFile = dir.resolve(SERVER_KEY);
        String reason = reasonToIssue(certificateFile, keyFile, authority, wanted, now);
        if (!reason.isEmpty()) {
            log.info("issuing dev server certificate in {}: {}", dir, reason);
            issueServerCertificate(authority, wanted, now, certificateFile, keyFile);
        }
        return TlsMaterial.fromPem(certificateFile, keyFile, dir.resolve(CA_CERTIFICATE));
    }

    private record Authority(X509Certificate certificate, PrivateKey key) {
        @Override
        public String toString() {
            return "Authority[" + certificate.getSubjectX500Principal().getName() + ", key=<redacted>]";
        }
    }

    private static Authority loadOrCreateAuthority(Path dir, Instant now) {
        Path certificateFile = dir.resolve(CA_CERTIFICATE);
        Path keyFile = dir.resolve(CA_KEY);
        boolean haveCertificate = Files.exists(certificateFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCertificate != haveKey) {
            throw new IllegalStateException(
                    "dev CA in " + dir + " is incomplete: " + (haveCertificate ? CA_CERTIFICATE : CA_KEY)
                            + " exists without " + (haveCertificate ? CA_KEY : CA_CERTIFICATE)
                            + "; restore the missing file, or remove both (clients must then re-pin the new "
                            + CA_CERTIFICATE + ")");
        }
        if (haveCertificate) {
            X509Certificate certificate =
                    PemCertificates.readCertificates(certificateFile).get(0);
            PrivateKey key = PemCertificates.readPrivateKey(keyFile);
            if (!PemCertificates.matches(key, certificate)) {
                throw new IllegalStateException("dev CA key " + keyFile + " does not belong to " + certificateFile
                        + "; restore the matching pair, or remove both to create a new CA");
            }
            if (!certificate.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))) {
                log.warn(
                        "dev CA {} expires {}; creating a new CA, clients must re-pin {}",
                        certificateFile,
                        certificate.getNotAfter().toInstant(),
                        certificateFile);
            } else {
                return new Authority(certificate, key);
            }
        }
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name(
                "CN=Gatehouse development CA " + Long.toHexString(RANDOM.nextLong() >>> 16) + ",O=Gatehouse");
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = sign(builder, pair.getPrivate());
            // Key first: a crash between the two writes leaves "key without certificate", which
            // the check above reports, rather than a certificate whose key is lost.
            FileSecrets.writeSecret(
                    keyFile, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
            FileSecrets.writePublic(certificateFile, Pem.encode("CERTIFICATE", certificate.getEncoded()));
            log.info("created dev CA {}; clients pin this file", certificateFile);
            return new Authority(certificate, pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the dev CA in " + dir, e);
        }
    }

    /** Why the server certificate must be (re-)issued, or "" when the existing one is fine. */
    private static String reasonToIssue(
            Path certificateFile, Path keyFile, Authority authority, Set<SubjectName> wanted, Instant now) {
        if (!Files.exists(certificateFile) || !Files.exists(keyFile)) {
            return "no existing certificate and key";
        }
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = PemCertificates.readCertificates(certificateFile).get(0);
            key = PemCertificates.readPrivateKey(keyFile);
        } catch (IllegalStateException e) {
            return "existing files are unreadable (" + e.getMessage() + ")";
        }
        if (!certificate.getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE))) {
            return "existing certificate expires " + certificate.getNotAfter().toInstant();
        }
        if (certificate.getNotBefore().toInstant().isAfter(now)) {
            return "existing certificate is not valid before "
                    + certificate.getNotBefore().toInstant();
        }
        try {
            certificate.verify(authority.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return "existing certificate was not issued by this CA";
        }
        if (!PemCertificates.matches(key, certificate)) {
            return "existing key does not belong to the certificate";
        }
        Set<SubjectName> present = subjectNames(certificate);
        List<SubjectName> missing = new ArrayList<>();
        for (SubjectName name : wanted) {
            if (!present.contains(name)) {
                missing.add(name);
            }
        }
        return missing.isEmpty() ? "" : "existing certificate lacks " + missing;
    }

    private static void issueServerCertificate(
            Authority authority, Set<SubjectName> names, Instant now, Path certificateFile, Path keyFile) {
        KeyPair pair = newKeyPair();
        Instant notAfter = now.plus(SERVER_VALIDITY);
        Instant caNotAfter = authority.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter; // RFC 5280 path validation rejects a leaf outliving its issuer
        }
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    authority.certificate(),
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(notAfter),
                    new X500Name("CN=" + names.iterator().next().value() + ",O=Gatehouse"),
                    pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                            names.stream().map(SubjectName::generalName).toArray(GeneralName[]::new)));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    extensions.createAuthorityKeyIdentifier(authority.certificate()));
            X509Certificate certificate = sign(builder, authority.key());
            FileSecrets.writeSecret(
                    keyFile, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
            FileSecrets.writePublic(certificateFile, Pem.encode("CERTIFICATE", certificate.getEncoded()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue the dev server certificate " + certificateFile, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create a " + SIGNATURE_ALGORITHM + " signer", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks EC P-256 key generation", e);
        }
    }

    /** A positive 159-bit random serial: unique and unpredictable (CA/Browser Forum BR §7.1). */
    private static BigInteger serial() {
        return new BigInteger(159, RANDOM).add(BigInteger.ONE);
    }

    /** The names in a certificate's subjectAltName extension. */
    static Set<SubjectName> subjectNames(X509Certificate certificate) {
        Set<SubjectName> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries == null) {
                return names;
            }
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                    names.add(SubjectName.parse((String) entry.get(1)));
                }
            }
        } catch (CertificateParsingException | IllegalArgumentException e) {
            // An unparsable SAN counts as no names: the certificate gets re-issued.
            names.clear();
        }
        return names;
    }

    /** A SAN value: a DNS name (lower case) or an IP address (compared by address, not spelling). */
    record SubjectName(String value, boolean ip) {
        static SubjectName parse(String name) {
            String trimmed = name.strip();
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                trimmed = trimmed.substring(1, trimmed.length() - 1);
            }
            if (trimmed.contains(":") || trimmed.matches("[0-9.]+")) {
                if (!trimmed.matches("[0-9A-Fa-f:.]+")) {
                    throw new IllegalArgumentException("certificate name '" + name
                            + "' is not an IP address literal; expected e.g. 10.0.0.5 or ::1");
                }
                try {
                    // A literal never triggers a DNS lookup (InetAddress.getByName contract).
                    return new SubjectName(InetAddress.getByName(trimmed).getHostAddress(), true);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(
                            "certificate name '" + name
                                    + "' is not an IP address literal; expected e.g. 10.0.0.5 or ::1",
                            e);
                }
            }
            String dns = trimmed.toLowerCase(Locale.ROOT);
            if (dns.length() > 253 || !DNS_NAME.matcher(dns).matches()) {
                throw new IllegalArgumentException("certificate name '" + name
                        + "' is neither an IP address nor a DNS name; expected e.g. gateway.example.com");
            }
            return new SubjectName(dns.endsWith(".") ? dns.substring(0, dns.length() - 1) : dns, false);
        }

        boolean isWildcardAddress() {
            try {
                return ip && InetAddress.getByName(value).isAnyLocalAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }

        GeneralName generalName() {
            return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, value);
        }

        @Override
        public String toString() {
            return (ip ? "IP:" : "DNS:") + value;
        }
    }
}
