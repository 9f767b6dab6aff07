package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSecretsTest {
    @TempDir
    Path dir;

    @Test
    void secretFileIsOwnerOnlyAndReadsBack() {
        Path file = dir.resolve("nested/secret.bin");
        FileSecrets.writeSecret(file, new byte[] {1, 2, 3});

        assertThat(FileSecrets.read(file)).containsExactly(1, 2, 3);
        assertThat(FileSecrets.permissions(file)).isEqualTo(FileSecrets.OWNER_ONLY);
        assertThat(FileSecrets.permissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void publicFileIsWorldReadable() {
        Path file = dir.resolve("ca.crt");
        FileSecrets.writePublic(file, "cert");

        assertThat(FileSecrets.readString(file)).isEqualTo("cert");
        assertThat(FileSecrets.permissions(file)).isEqualTo(FileSecrets.PUBLIC_READABLE);
    }

    @Test
    void rewriteReplacesContentAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("secret.key");
        FileSecrets.writeSecret(file, "first");
        FileSecrets.writeSecret(file, "second");

        assertThat(FileSecrets.readString(file)).isEqualTo("second");
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void secretFileStaysOwnerOnlyWhenReplacingAWiderFile() throws Exception {
        Path file = dir.resolve("secret.key");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        FileSecrets.writeSecret(file, "new");

        assertThat(FileSecrets.permissions(file)).isEqualTo(FileSecrets.OWNER_ONLY);
    }

    @Test
    void directoryThatIsAFileIsReportedByName() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain"), "x");

        assertThatThrownBy(() -> FileSecrets.writeSecret(notADirectory.resolve("secret.key"), "s"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data directory " + notADirectory + " is not a directory");
    }

    @Test
    void missingFileIsReportedByName() {
        Path missing = dir.resolve("absent");

        assertThatThrownBy(() -> FileSecrets.read(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("file " + missing + " does not exist");
    }
}
