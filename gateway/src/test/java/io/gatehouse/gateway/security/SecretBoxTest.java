package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    private static final byte[] PLAINTEXT = "postgres-password-s3cret".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void roundTrip() {
        SecretBox box = SecretBox.fromBase64(SecretBox.generateBase64Key());

        byte[] sealed = box.seal(PLAINTEXT, "prod-db");

        assertThat(sealed).hasSize(1 + 12 + PLAINTEXT.length + 16);
        assertThat(sealed[0]).isEqualTo((byte) 0x01);
        assertThat(box.open(sealed, "prod-db")).isEqualTo(PLAINTEXT);
    }

    @Test
    void everyTamperedByteFails() {
        SecretBox box = SecretBox.fromBase64(SecretBox.generateBase64Key());
        byte[] sealed = box.seal(PLAINTEXT, "prod-db");

        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> box.open(tampered, "prod-db"))
                    .as("byte %d flipped", i)
                    .isInstanceOf(SecretBoxException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        }
    }

    @Test
    void truncatedValueFails() {
        SecretBox box = SecretBox.fromBase64(SecretBox.generateBase64Key());
        byte[] sealed = box.seal(PLAINTEXT, "prod-db");

        assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, sealed.length - 1), "prod-db"))
                .isInstanceOf(SecretBoxException.class);
        assertThatThrownBy(() -> box.open(new byte[5], "prod-db"))
                .isInstanceOf(SecretBoxException.class)
                .hasMessage("sealed value for 'prod-db' is 5 bytes; expected at least 29");
    }

    @Test
    void wrongAssociatedDataFails() {
        SecretBox box = SecretBox.fromBase64(SecretBox.generateBase64Key());
        byte[] sealed = box.seal(PLAINTEXT, "prod-db");

        assertThatThrownBy(() -> box.open(sealed, "staging-db"))
                .isInstanceOf(SecretBoxException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void wrongKeyFails() {
        byte[] sealed = SecretBox.fromBase64(SecretBox.generateBase64Key()).seal(PLAINTEXT, "prod-db");
        SecretBox other = SecretBox.fromBase64(SecretBox.generateBase64Key());

        assertThatThrownBy(() -> other.open(sealed, "prod-db")).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void noncesDiffer() {
        SecretBox box = SecretBox.fromBase64(SecretBox.generateBase64Key());

        byte[] first = box.seal(PLAINTEXT, "prod-db");
        byte[] second = box.seal(PLAINTEXT, "prod-db");

        assertThat(Arrays.copyOfRange(first, 1, 13)).isNotEqualTo(Arrays.copyOfRange(second, 1, 13));
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void keyFileIsCreatedOwnerOnlyAndReused() throws Exception {
        Path file = dir.resolve("secret.key");
        byte[] sealed = SecretBox.loadOrCreate(file).seal(PLAINTEXT, "prod-db");

        assertThat(FileSecrets.permissions(file)).isEqualTo(FileSecrets.OWNER_ONLY);
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(SecretBox.loadOrCreate(file).open(sealed, "prod-db")).isEqualTo(PLAINTEXT);
    }

    @Test
    void keyFileWithAShortKeyIsRejectedWithoutQuotingIt() {
        Path file = dir.resolve("secret.key");
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        FileSecrets.writeSecret(file, shortKey);

        assertThatThrownBy(() -> SecretBox.loadOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("secret key file " + file + ": secret box key is 16 bytes; expected 32 (AES-256)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shortKey));
    }

    @Test
    void environmentKeyMustBe32BytesOfBase64() {
        assertThatThrownBy(() -> SecretBox.fromBase64(Base64.getEncoder().encodeToString(new byte[31])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret box key is 31 bytes; expected 32 (AES-256)");
        assertThatThrownBy(() -> SecretBox.fromBase64("not base64 !!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("secret box key is not valid base64")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("!!"));
    }

    @Test
    void toStringRedactsTheKey() {
        String key = SecretBox.generateBase64Key();

        assertThat(SecretBox.fromBase64(key).toString()).doesNotContain(key).contains("redacted");
    }
}
