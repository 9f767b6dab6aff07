package io.gatehouse.gateway.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reading certificates and private keys from PEM files, with errors that name the file. */
final class PemCertificates {
    private PemCertificates() {}

    /** Every {@code CERTIFICATE} block of {@code file}, in order (leaf first for a chain file). */
    static List<X509Certificate> readCertificates(Path file) {
        String source = file.toAbsolutePath().toString();
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Pem.Block block : Pem.decode(FileSecrets.readString(file), source)) {
                if (block.label().equals("CERTIFICATE")) {
                    certificates.add(
                            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "certificate file " + source + " is not a PEM X.509 certificate (chain): " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalStateException(
                    "certificate file " + source + " holds no CERTIFICATE block; expected -----BEGIN CERTIFICATE-----");
        }
        return certificates;
    }

    /**
     * The private key in {@code file}: PKCS#8 ({@code PRIVATE KEY}), SEC 1 ({@code EC PRIVATE KEY})
     * or PKCS#1 ({@code RSA PRIVATE KEY}), unencrypted. Errors never quote the file's content.
     */
    static PrivateKey readPrivateKey(Path file) {
        String source = file.toAbsolutePath().toString();
        try (PEMParser parser = new PEMParser(new StringReader(FileSecrets.readString(file)))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (!(object instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo)
                        && !(object instanceof org.bouncycastle.asn1.x9.X9ECParameters)
                        && !(object instanceof org.bouncycastle.asn1.ASN1ObjectIdentifier)) {
                    throw new IllegalStateException("private key file " + source + " holds a "
                            + object.getClass().getSimpleName()
                            + "; expected an unencrypted PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("private key file " + source + " is not a readable PEM private key", e);
        }
        throw new IllegalStateException("private key file " + source
                + " holds no private key; expected a PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block");
    }

    /** Whether {@code key} is the private half of {@code certificate}'s key, by signing a challenge. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "EC", "ECDSA" -> "SHA256withECDSA";
                    case "RSA" -> "SHA256withRSA";
                    case "Ed25519", "EdDSA" -> "Ed25519";
                    case "Ed448" -> "Ed448";
                    default -> "";
                };
        if (algorithm.isEmpty()) {
            return true; // unknown algorithm: let the TLS handshake be the judge
        }
        PublicKey publicKey = certificate.getPublicKey();
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
