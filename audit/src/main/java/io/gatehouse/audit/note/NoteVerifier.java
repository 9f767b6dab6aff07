package io.gatehouse.audit.note;

import io.gatehouse.audit.note.CheckpointException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Verifies checkpoint notes signed by one Ed25519 key, given in verifier-key form
 * {@code <name>+<8 hex key hash>+<base64(0x01 ‖ raw public key)>} (c2sp.org/signed-note, "Verifier keys").
 *
 * <p>Signature lines by other keys are ignored, as the spec requires (witnesses may cosign). The first line with
 * this key's name and key hash decides: if it does not verify, the note is rejected even if a later line would.
 */
public final class NoteVerifier {
    private final String keyName;
    private final byte[] keyHash;
    private final byte[] rawPublicKey;
    private final PublicKey publicKey;

    private NoteVerifier(String keyName, byte[] rawPublicKey) {
        this.keyName = keyName;
        this.rawPublicKey = rawPublicKey;
        this.keyHash = Ed25519Keys.keyHash(keyName, rawPublicKey);
        this.publicKey = Ed25519Keys.publicKey(rawPublicKey);
    }

    /** Parses a verifier key; throws {@link IllegalArgumentException} naming what is wrong with it. */
    public static NoteVerifier parse(String verifierKey) {
        if (verifierKey == null) {
            throw new IllegalArgumentException("verifier key is null, expected <name>+<hex key hash>+<base64 key>");
        }
        String[] parts = verifierKey.strip().split("\\+", 3); // base64 may itself contain +
        if (parts.length != 3) {
            throw new IllegalArgumentException("verifier key has " + parts.length
                    + " '+'-separated parts, expected 3: <name>+<8 hex key hash>+<base64(0x01 || public key)>");
        }
        String name = Ed25519Keys.checkName(parts[0]);
        if (!parts[1].matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("verifier key hash '" + parts[1] + "' is not 8 lowercase hex digits");
        }
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("verifier key for '" + name + "' is not valid base64", e);
        }
        if (typed.length != 33 || typed[0] != Ed25519Keys.SIGNATURE_TYPE) {
            throw new IllegalArgumentException("verifier key for '" + name + "' decodes to " + typed.length
                    + " bytes"
                    + (typed.length > 0 ? " of type 0x" + HexFormat.of().toHexDigits(typed[0]) : "")
                    + ", expected 33 bytes of type 0x01 (Ed25519)");
        }
        NoteVerifier verifier = new NoteVerifier(name, Arrays.copyOfRange(typed, 1, 33));
        if (!HexFormat.of().formatHex(verifier.keyHash).equals(parts[1])) {
            throw new IllegalArgumentException("verifier key hash " + parts[1] + " does not match the key, expected "
                    + HexFormat.of().formatHex(verifier.keyHash));
        }
        return verifier;
    }

    public static NoteVerifier of(String keyName, PublicKey publicKey) {
        return new NoteVerifier(Ed25519Keys.checkName(keyName), Ed25519Keys.raw(publicKey));
    }

    public String keyName() {
        return keyName;
    }

    public String verifierKey() {
        byte[] typed = new byte[33];
        typed[0] = Ed25519Keys.SIGNATURE_TYPE;
        System.arraycopy(rawPublicKey, 0, typed, 1, 32);
        return keyName + "+" + HexFormat.of().formatHex(keyHash) + "+"
                + Base64.getEncoder().encodeToString(typed);
    }

    /** The checkpoint in {@code note} if this key signed it; otherwise {@link CheckpointException} says why not. */
    public Checkpoint verify(String note) throws CheckpointException {
        return Checkpoint.parseBody(verifiedText(note));
    }

    /** The note's text if signed by this key. */
    String verifiedText(String note) throws CheckpointException {
        NoteText parsed = NoteText.parse(note);
        for (NoteText.Line line : parsed.signatures()) {
            byte[] blob = line.blob();
            if (!line.keyName().equals(keyName) || !MessageDigest.isEqual(Arrays.copyOf(blob, 4), keyHash)) {
                continue;
            }
            byte[] sig = Arrays.copyOfRange(blob, 4, blob.length);
            if (sig.length != 64 || !signatureValid(parsed.text(), sig)) {
                throw new CheckpointException(
                        Reason.BAD_SIGNATURE, "signature by '" + keyName + "' does not verify over the note text");
            }
            return parsed.text();
        }
        throw new CheckpointException(
                Reason.NO_SIGNATURE_BY_KEY,
                "no signature line by key '" + keyName + "' (key hash "
                        + HexFormat.of().formatHex(keyHash) + ")");
    }

    private boolean signatureValid(String text, byte[] sig) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(text.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            // A malformed signature encoding is a failed verification, not an error of ours.
            return false;
        }
    }

    @Override
    public String toString() {
        return "NoteVerifier[" + verifierKey() + "]";
    }
}
