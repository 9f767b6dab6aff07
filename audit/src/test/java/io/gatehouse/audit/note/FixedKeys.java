package io.gatehouse.audit.note;

/** Signers with fixed keys, so that fuzz findings and committed seed notes stay valid across runs. */
public final class FixedKeys {
    private FixedKeys() {}

    /** The Ed25519 signer for {@code name} whose 32-byte private key seed is {@code seedByte} repeated. */
    public static NoteSigner signer(String name, int seedByte) {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) seedByte);
        try {
            return new NoteSigner(name, NoteTest.fromSeed(seed));
        } catch (Exception e) {
            throw new IllegalStateException("Ed25519 is part of the JDK", e);
        }
    }

    /** A signed note over arbitrary {@code text} (a seed for bodies that are not checkpoints). */
    public static String signText(NoteSigner signer, String text) {
        return signer.signText(text);
    }
}
