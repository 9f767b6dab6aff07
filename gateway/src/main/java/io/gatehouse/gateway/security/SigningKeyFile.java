package io.gatehouse.gateway.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * The gateway's Ed25519 signing key (RFC 8032), which signs audit checkpoints, on disk as
 * {@code signing.key} (PKCS#8 PEM, RFC 5958 / RFC 8410, mode 0600) and {@code signing.pub} (X.509
 * SubjectPublicKeyInfo PEM, RFC 8410 §4, world-readable so verifiers can pin it).
 *
 * <p>The private key is the source of truth: a missing {@code signing.pub} is re-derived from it,
 * and a {@code signing.pub} that does not match it is an error rather than silently replaced,
 * because a verifier may already pin the file's key.
 */
public final class SigningKeyFile {
    public static final String PRIVATE_KEY_FILE = "signing.key";
    public static final String PUBLIC_KEY_FILE = "signing.pub";

    private static final String ALGORITHM = "Ed25519";

    private SigningKeyFile() {}

    /**
     * The key pair in {@code dir}, created on first use.
     *
     * @throws IllegalStateException when a file exists but does not hold an Ed25519 key of the
     *     expected form, or the two files hold keys of different pairs
     */
    public static KeyPair loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(PUBLIC_KEY_FILE);
        if (!Files.exists(privateFile)) {
            if (Files.exists(publicFile)) {
                throw new IllegalStateException("signing public key " + publicFile.toAbsolutePath()
                        + " exists without its private key " + privateFile.toAbsolutePath()
                        + "; restore the private key or remove both files to create a new pair");
            }
            KeyPair created = generate();
            FileSecrets.writeSecret(
                    privateFile, Pem.encode("PRIVATE KEY", created.getPrivate().getEncoded()));
            FileSecrets.writePublic(
                    publicFile, Pem.encode("PUBLIC KEY", created.getPublic().getEncoded()));
            return created;
        }
        PrivateKey privateKey = readPrivate(privateFile);
        PublicKey derived = derivePublic(privateKey);
        if (!Files.exists(publicFile)) {
            FileSecrets.writePublic(publicFile, Pem.encode("PUBLIC KEY", derived.getEncoded()));
            return new KeyPair(derived, privateKey);
        }
        PublicKey stored = readPublic(publicFile);
        if (!java.util.Arrays.equals(stored.getEncoded(), derived.getEncoded())) {
            throw new IllegalStateException("signing public key " + publicFile.toAbsolutePath()
                    + " does not belong to private key " + privateFile.toAbsolutePath()
                    + "; expected the public half of that private key");
        }
        return new KeyPair(stored, privateKey);
    }

    /**
     * Reads an Ed25519 public key from a SubjectPublicKeyInfo PEM file.
     *
     * @throws IllegalStateException when the file is not a PEM {@code PUBLIC KEY} holding an Ed25519
     *     key
     */
    public static PublicKey readPublic(Path pem) {
        String source = pem.toAbsolutePath().toString();
        try {
            byte[] der = Pem.decodeSingle(FileSecrets.readString(pem), "PUBLIC KEY", source);
            return keyFactory().generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            throw new IllegalStateException(
                    "signing public key " + source + " is not an Ed25519 public key in X.509 PEM form", e);
        }
    }

    /**
     * Reads an Ed25519 private key from a PKCS#8 PEM file. The message of a failure names the file
     * and the expected form, never the content.
     */
    public static PrivateKey readPrivate(Path pem) {
        String source = pem.toAbsolutePath().toString();
        try {
            byte[] der = Pem.decodeSingle(FileSecrets.readString(pem), "PRIVATE KEY", source);
            return keyFactory().generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | InvalidKeySpecException e) {
            // The cause may come from a DER parser; keep it for the stack trace but it never holds
            // key bytes (the JDK's parsers report offsets and tags only).
            throw new IllegalStateException(
                    "signing key " + source + " is not an Ed25519 private key in PKCS#8 PEM form", e);
        }
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks Ed25519 (JDK 15+ provides it)", e);
        }
    }

    /** The JDK has no API to derive an EdDSA public key (RFC 8032 §5.1.5); Bouncy Castle's does. */
    private static PublicKey derivePublic(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey edPrivate)) {
            throw new IllegalStateException("expected an Ed25519 private key but found " + privateKey.getAlgorithm());
        }
        byte[] seed = edPrivate
                .getBytes()
                .orElseThrow(() -> new IllegalStateException("Ed25519 private key does not expose its seed"));
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                    new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey());
            return keyFactory().generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the derived Ed25519 public key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decode the derived Ed25519 public key", e);
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    private static KeyFactory keyFactory() {
        try {
            return KeyFactory.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks Ed25519 (JDK 15+ provides it)", e);
        }
    }
}
