package io.gatehouse.audit.note;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs checkpoints as C2SP signed notes with an Ed25519 key (c2sp.org/signed-note, "Ed25519" signature type 0x01).
 * The private key never appears in messages or {@link #toString()}.
 */
public final class NoteSigner {
    private final String keyName;
    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;
    private final byte[] keyHash;

    public NoteSigner(String keyName, KeyPair keyPair) {
        this(keyName, keyPair.getPrivate(), keyPair.getPublic());
    }

    /** Rejects a private key that does not belong to {@code publicKey}, so a mismatch fails here, not at verify. */
    public NoteSigner(String keyName, PrivateKey privateKey, PublicKey publicKey) {
        this.keyName = Ed25519Keys.checkName(keyName);
        this.privateKey = privateKey;
        this.rawPublicKey = Ed25519Keys.raw(publicKey);
        this.keyHash = Ed25519Keys.keyHash(keyName, rawPublicKey);
        byte[] probe = "gatehouse key check".getBytes(StandardCharsets.UTF_8);
        try {
            Signature verify = Signature.getInstance("Ed25519");
            verify.initVerify(publicKey);
            verify.update(probe);
            if (!verify.verify(signature(probe))) {
                throw new IllegalArgumentException("private key of '" + keyName + "' does not match its public key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable Ed25519 key pair for '" + keyName + "'", e);
        }
    }

    /** A signer with a fresh random key. */
    public static NoteSigner generate(String keyName) {
        try {
            return new NoteSigner(
                    keyName, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK must provide Ed25519 (JEP 339)", e);
        }
    }

    public String keyName() {
        return keyName;
    }

    /** {@code <name>+<8 hex key hash>+<base64(0x01 ‖ raw public key)>}, the form {@link NoteVerifier#parse} reads. */
    public String verifierKey() {
        byte[] typed = new byte[1 + rawPublicKey.length];
        typed[0] = Ed25519Keys.SIGNATURE_TYPE;
        System.arraycopy(rawPublicKey, 0, typed, 1, rawPublicKey.length);
        return keyName + "+" + HexFormat.of().formatHex(keyHash) + "+"
                + Base64.getEncoder().encodeToString(typed);
    }

    public NoteVerifier verifier() {
        return NoteVerifier.parse(verifierKey());
    }

    /** The complete signed note: the checkpoint body, a blank line, one signature line. */
    public String sign(Checkpoint checkpoint) {
        return signText(checkpoint.body());
    }

    /**
     * Signs any note text (signed-note §"Format"): the signature covers the text including its final newline; the
     * line is {@code — <name> <base64(key hash ‖ signature)>}.
     */
    String signText(String text) {
        NoteText.checkText(text);
        byte[] sig = signature(text.getBytes(StandardCharsets.UTF_8));
        byte[] blob = new byte[keyHash.length + sig.length];
        System.arraycopy(keyHash, 0, blob, 0, keyHash.length);
        System.arraycopy(sig, 0, blob, keyHash.length, sig.length);
        return text + "\n" + NoteText.SIGNATURE_PREFIX + keyName + " "
                + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    private byte[] signature(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed for key '" + keyName + "'", e);
        }
    }

    @Override
    public String toString() {
        return "NoteSigner[" + verifierKey() + "]";
    }
}
