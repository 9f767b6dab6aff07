package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsPemFilesWithOwnerOnlyPrivateKey() throws Exception {
        KeyPair pair = SigningKeyFile.loadOrCreate(dir);

        Path privateFile = dir.resolve("signing.key");
        Path publicFile = dir.resolve("signing.pub");
        assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(FileSecrets.permissions(privateFile)).isEqualTo(FileSecrets.OWNER_ONLY);
        assertThat(pair.getPrivate().getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void secondLoadReturnsTheSameKeysAndTheyVerifyEachOther() throws Exception {
        KeyPair first = SigningKeyFile.loadOrCreate(dir);
        KeyPair second = SigningKeyFile.loadOrCreate(dir);

        assertThat(second.getPrivate().getEncoded())
                .isEqualTo(first.getPrivate().getEncoded());
        byte[] message = "checkpoint 42".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(second.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(SigningKeyFile.readPublic(dir.resolve("signing.pub")));
        verifier.update(message);
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void missingPublicFileIsDerivedFromThePrivateKey() throws Exception {
        KeyPair created = SigningKeyFile.loadOrCreate(dir);
        Files.delete(dir.resolve("signing.pub"));

        KeyPair loaded = SigningKeyFile.loadOrCreate(dir);

        assertThat(loaded.getPublic().getEncoded())
                .isEqualTo(created.getPublic().getEncoded());
        assertThat(SigningKeyFile.readPublic(dir.resolve("signing.pub")).getEncoded())
                .isEqualTo(created.getPublic().getEncoded());
    }

    @Test
    void publicFileOfAnotherPairIsRejected() throws Exception {
        SigningKeyFile.loadOrCreate(dir);
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(
                dir.resolve("signing.pub"),
                Pem.encode("PUBLIC KEY", other.getPublic().getEncoded()));

        assertThatThrownBy(() -> SigningKeyFile.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not belong to private key");
    }

    @Test
    void foreignKeyTypeIsRejectedWithoutQuotingTheKey() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        String pem = Pem.encode("PRIVATE KEY", ec.getPrivate().getEncoded());
        FileSecrets.writeSecret(dir.resolve("signing.key"), pem);

        assertThatThrownBy(() -> SigningKeyFile.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing key " + dir.resolve("signing.key")
                        + " is not an Ed25519 private key in PKCS#8 PEM form")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(pem.lines().skip(1).findFirst().orElseThrow()));
    }

    @Test
    void malformedFileIsRejected() {
        FileSecrets.writeSecret(dir.resolve("signing.key"), "not a key at all");

        assertThatThrownBy(() -> SigningKeyFile.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not an Ed25519 private key in PKCS#8 PEM form");
    }

    @Test
    void publicKeyWithoutPrivateKeyIsNotOverwritten() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = Pem.encode("PUBLIC KEY", other.getPublic().getEncoded());
        Files.writeString(dir.resolve("signing.pub"), pem);

        assertThatThrownBy(() -> SigningKeyFile.loadOrCreate(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists without its private key");
        assertThat(Files.readString(dir.resolve("signing.pub"))).isEqualTo(pem);
    }

    @Test
    void readPublicRejectsAnRsaKey() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path file = Files.writeString(
                dir.resolve("rsa.pub"), Pem.encode("PUBLIC KEY", rsa.getPublic().getEncoded()));

        assertThatThrownBy(() -> SigningKeyFile.readPublic(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing public key " + file + " is not an Ed25519 public key in X.509 PEM form");
    }
}
