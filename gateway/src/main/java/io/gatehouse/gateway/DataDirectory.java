package io.gatehouse.gateway;

import io.gatehouse.gateway.security.FileSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The gateway's data directory: {@code gatehouse.db} (embedded store), {@code tls/} (dev CA and server
 * certificate), {@code signing.key}/{@code signing.pub} (Ed25519 checkpoint key), {@code secret.key}
 * (credential encryption key), {@code instance} (this instance's name) and, after the first start,
 * {@code initial-admin-token}. Secrets are written with mode 0600.
 */
public record DataDirectory(Path root) {

    public static DataDirectory prepare(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GatewayStartupException("data directory " + dir + " cannot be created: " + e.getMessage());
        }
        if (!Files.isDirectory(dir)) {
            throw new GatewayStartupException("data directory " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new GatewayStartupException("data directory " + dir + " is not writable");
        }
        return new DataDirectory(dir);
    }

    public Path store() {
        return root.resolve("gatehouse.db");
    }

    public Path tls() {
        return root.resolve("tls");
    }

    public Path secretKey() {
        return root.resolve("secret.key");
    }

    public Path initialAdminToken() {
        return root.resolve("initial-admin-token");
    }

    /** The instance name a gateway already chose for this directory, without creating one. */
    public Optional<String> existingInstance() {
        Path file = root.resolve("instance");
        try {
            return Files.exists(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            throw new GatewayStartupException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** This instance's stable name: the configured one, else one generated on first start and kept. */
    public String instance(Optional<String> configured) {
        if (configured.isPresent()) {
            return configured.get();
        }
        Path file = root.resolve("instance");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            String name = "gw-" + HexFormat.of().formatHex(random);
            FileSecrets.writeSecret(file, (name + "\n").getBytes(StandardCharsets.UTF_8));
            return name;
        } catch (IOException e) {
            throw new GatewayStartupException("cannot read or write " + file + ": " + e.getMessage());
        }
    }
}
