package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.gateway.security.FileSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The client profile written by {@code gatehouse login}: gateway URL, CA file and token, in
 * {@code $XDG_CONFIG_HOME/gatehouse/profile.json} (default {@code ~/.config}), mode 0600. Environment
 * variables {@code GATEHOUSE_URL}, {@code GATEHOUSE_CA}, {@code GATEHOUSE_TOKEN} override it.
 */
record Profile(String url, String ca, String token) {
    static final String DEFAULT_URL = "https://127.0.0.1:8443";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Path file(Map<String, String> env) {
        String base = env.getOrDefault("XDG_CONFIG_HOME", "");
        Path dir = base.isBlank() ? Path.of(System.getProperty("user.home"), ".config") : Path.of(base);
        return dir.resolve("gatehouse").resolve("profile.json");
    }

    static Optional<Profile> read(Map<String, String> env) {
        Path file = file(env);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = MAPPER.readTree(file.toFile());
            return Optional.of(new Profile(text(n, "url"), text(n, "ca"), text(n, "token")));
        } catch (IOException e) {
            throw new CliException(
                    "profile " + file + " cannot be read: " + e.getMessage() + "; run `gatehouse login` again");
        }
    }

    void write(Map<String, String> env) {
        Path file = file(env);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("url", url);
        n.put("ca", ca);
        n.put("token", token);
        try {
            Files.createDirectories(file.getParent());
            FileSecrets.writeSecret(
                    file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw new CliException("cannot write profile " + file + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "Profile[url=" + url + ", ca=" + ca + ", token=<redacted>]";
    }
}
