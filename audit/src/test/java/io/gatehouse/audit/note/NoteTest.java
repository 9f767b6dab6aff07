package io.gatehouse.audit.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Cases;
import io.gatehouse.audit.merkle.Rfc6962;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoteTest {
    static final NoteSigner SIGNER = NoteSigner.generate("gh.example/log");
    static final Checkpoint CHECKPOINT = new Checkpoint("gh.example/log", 7, Rfc6962.leafHash(new byte[] {1}));

    /** A key pair from a fixed 32-byte seed: the JDK generator takes the private key bytes from the random. */
    static KeyPair fromSeed(byte[] seed) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(255, new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
        });
        return generator.generateKeyPair();
    }

    /** The example of Go's golang.org/x/mod/sumdb/note and the C2SP signed-note ecosystem. */
    @Test
    void signsTheReferenceNoteExactly() throws Exception {
        byte[] typedSeed = Base64.getDecoder().decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
        NoteSigner signer = new NoteSigner("PeterNeumann", fromSeed(Arrays.copyOfRange(typedSeed, 1, 33)));
        assertThat(signer.verifierKey())
                .isEqualTo("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        String text = "If you think cryptography is the answer to your problem,\n"
                + "then you don't know what your problem is.\n";
        String note = signer.signText(text);
        assertThat(note)
                .isEqualTo(
                        text
                                + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
        assertThat(NoteVerifier.parse(signer.verifierKey()).verifiedText(note)).isEqualTo(text);
    }

    @Test
    void checkpointRoundTripsThroughASignedNote() throws Exception {
        String note = SIGNER.sign(CHECKPOINT);
        assertThat(note)
                .startsWith("gh.example/log\n7\n" + Base64.getEncoder().encodeToString(CHECKPOINT.rootHash())
                        + "\n\n\u2014 gh.example/log ");
        assertThat(NoteVerifier.parse(SIGNER.verifierKey()).verify(note)).isEqualTo(CHECKPOINT);
    }

    @Test
    void otherKeysSignatureIsNoSignatureByThisKey() {
        String note = NoteSigner.generate("gh.example/log").sign(CHECKPOINT);
        assertThatThrownBy(() -> SIGNER.verifier().verify(note))
                .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.reason())
                        .isEqualTo(CheckpointException.Reason.NO_SIGNATURE_BY_KEY));
    }

    @Test
    void modifiedSizeOrRootIsABadSignature() {
        String note = SIGNER.sign(CHECKPOINT);
        String biggerSize = note.replaceFirst("\n7\n", "\n8\n");
        Checkpoint otherRoot = new Checkpoint("gh.example/log", 7, Rfc6962.emptyRoot());
        String swappedRoot = otherRoot.body() + note.substring(CHECKPOINT.body().length());
        for (String forged : new String[] {biggerSize, swappedRoot}) {
            assertThatThrownBy(() -> SIGNER.verifier().verify(forged))
                    .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.reason())
                            .isEqualTo(CheckpointException.Reason.BAD_SIGNATURE));
        }
    }

    @Test
    void cosignaturesByOtherKeysAreIgnored() throws Exception {
        NoteSigner witness = NoteSigner.generate("witness.example");
        String note = SIGNER.sign(CHECKPOINT);
        String withWitness = witness.sign(CHECKPOINT).replace(CHECKPOINT.body() + "\n", "")
                + note.substring(CHECKPOINT.body().length() + 1);
        String cosigned = CHECKPOINT.body() + "\n" + withWitness;
        assertThat(SIGNER.verifier().verify(cosigned)).isEqualTo(CHECKPOINT);
        assertThat(witness.verifier().verify(cosigned)).isEqualTo(CHECKPOINT);
    }

    @Test
    void malformedNotesAndBodiesAreNamed() {
        assertReason("no signatures here\n", CheckpointException.Reason.MALFORMED_NOTE);
        assertReason(CHECKPOINT.body() + "\n- gh.example/log AAAA\n", CheckpointException.Reason.MALFORMED_NOTE);
        assertReason(
                SIGNER.sign(CHECKPOINT).replace("\n7\n", "\n7\u0007\n"), CheckpointException.Reason.MALFORMED_NOTE);
        String notACheckpoint = SIGNER.signText("hello\n");
        assertReason(notACheckpoint, CheckpointException.Reason.MALFORMED_BODY);
        assertReason(
                SIGNER.signText("gh.example/log\n07\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n"),
                CheckpointException.Reason.MALFORMED_BODY);
        assertReason(SIGNER.signText("gh.example/log\n7\nAAAA\n"), CheckpointException.Reason.MALFORMED_BODY);
    }

    private static void assertReason(String note, CheckpointException.Reason reason) {
        assertThatThrownBy(() -> SIGNER.verifier().verify(note))
                .isInstanceOfSatisfying(
                        CheckpointException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void malformedVerifierKeysAreRejectedWithTheReason() {
        String good = SIGNER.verifierKey();
        assertThatThrownBy(() -> NoteVerifier.parse("nokey")).hasMessageContaining("expected 3");
        assertThatThrownBy(() -> NoteVerifier.parse(good.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+")))
                .hasMessageContaining("does not match the key");
        assertThatThrownBy(() -> NoteVerifier.parse(good.replaceFirst("\\+[0-9a-f]{8}\\+", "+XYZ+")))
                .hasMessageContaining("not 8 lowercase hex digits");
        assertThatThrownBy(() -> NoteVerifier.parse("a b+01234567+AA==")).hasMessageContaining("key name");
        // the key part is standard base64 and may itself contain '+': cut after the SECOND '+'
        int keyStart = good.indexOf('+', good.indexOf('+') + 1) + 1;
        assertThatThrownBy(() -> NoteVerifier.parse(good.substring(0, keyStart) + "AgAA"))
                .hasMessageContaining("expected 33 bytes of type 0x01");
        assertThat(NoteVerifier.parse(good).verifierKey()).isEqualTo(good);
    }

    @Test
    void mismatchedKeyPairIsRejectedAtConstruction() throws Exception {
        KeyPair a = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair b = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThatThrownBy(() -> new NoteSigner("k", a.getPrivate(), b.getPublic()))
                .hasMessageContaining("does not match");
        assertThat(NoteVerifier.of("k", a.getPublic()).verifierKey()).isEqualTo(new NoteSigner("k", a).verifierKey());
    }

    @Test
    void noteWithoutSignatureLinesIsMalformed() {
        assertReason(CHECKPOINT.body() + "\n", CheckpointException.Reason.MALFORMED_NOTE);
        assertReason("\n\n", CheckpointException.Reason.MALFORMED_NOTE);
        assertReason("", CheckpointException.Reason.MALFORMED_NOTE);
    }

    /** Characters of notes, and a few that notes must not contain: a control, an unpaired surrogate, a pair. */
    private static final String NOTE_CHARS = "\n \u2014+=/abc0123456789\u0007\uD800\uD83D\uDE00";

    @Test
    void arbitraryTextOnlyEverFailsWithCheckpointException() {
        String real = SIGNER.sign(CHECKPOINT);
        int body = CHECKPOINT.body().length();
        List<String> edges =
                List.of("", "\n", "\n\n", "\u2014 \n", real, real.substring(0, real.length() - 1), real + "\n");
        Cases.check(
                "arbitrary note text verifies only if it is the signed note",
                0x5EED_0401L,
                1000,
                edges,
                r -> switch (r.nextInt(4)) {
                    case 0 -> {
                        StringBuilder note = new StringBuilder();
                        int length = r.nextInt(81);
                        for (int i = 0; i < length; i++) {
                            note.append(NOTE_CHARS.charAt(r.nextInt(NOTE_CHARS.length())));
                        }
                        yield note.toString();
                    }
                    case 1 -> real.substring(0, r.nextInt(real.length() + 1));
                    case 2 -> {
                        // One character of the signed text (not its final newline) changed to another printable one.
                        int at = r.nextInt(body - 1);
                        char c = (char) (0x21 + r.nextInt(0x5e));
                        yield real.substring(0, at) + c + real.substring(at + 1);
                    }
                    default -> {
                        int at = r.nextInt(real.length());
                        yield real.substring(0, at) + "\n" + real.substring(at + 1);
                    }
                },
                note -> {
                    Checkpoint verified;
                    try {
                        verified = SIGNER.verifier().verify(note);
                    } catch (CheckpointException expected) {
                        // The only allowed failure; only the signed note itself may verify, and a note whose signed
                        // text differs while the signature lines are intact fails on its signature.
                        assertThat(note).isNotEqualTo(real);
                        if (note.length() == real.length()
                                && note.substring(body - 1).equals(real.substring(body - 1))) {
                            assertThat(expected.reason()).isEqualTo(CheckpointException.Reason.BAD_SIGNATURE);
                        }
                        return;
                    }
                    assertThat(note).as("only the signed note verifies").isEqualTo(real);
                    assertThat(verified).isEqualTo(CHECKPOINT);
                });
    }
}
