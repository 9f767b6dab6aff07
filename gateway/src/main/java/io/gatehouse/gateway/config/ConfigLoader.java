package io.gatehouse.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves the gateway's settings from, in increasing precedence: defaults, the config file (YAML, or Java
 * properties when the name ends in {@code .properties}), {@code GATEHOUSE_*} environment variables, and
 * command-line flags. Unknown keys in the file are an error (a typo must not silently fall back to a
 * default); unknown {@code GATEHOUSE_*} variables are ignored because the CLI's client variables
 * ({@code GATEHOUSE_URL}, {@code GATEHOUSE_TOKEN}, {@code GATEHOUSE_CA}) share the prefix.
 */
public final class ConfigLoader {
    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public GatewayConfig load(Path configFile, Map<ConfigKey, String> flags) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, key.defaultValue());
        }
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        for (ConfigKey key : ConfigKey.values()) {
            String fromEnvironment = environment.get(key.environmentVariable());
            if (fromEnvironment != null) {
                values.put(key, fromEnvironment.strip());
            }
        }
        values.putAll(flags);
        return GatewayConfig.from(values);
    }

    static Map<ConfigKey, String> readFile(Path file) {
        String name = file.getFileName().toString();
        if (!Files.exists(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        try {
            if (name.endsWith(".properties")) {
                return readProperties(file);
            }
            return readYaml(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static Map<ConfigKey, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (String key : properties.stringPropertyNames()) {
            values.put(known(file, key), properties.getProperty(key).strip());
        }
        return values;
    }

    private static Map<ConfigKey, String> readYaml(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException(
                    "config file " + file + " must hold a mapping of keys, e.g. 'api:\\n  port: 8443'");
        }
        flatten(file, "", root, values);
        return values;
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<ConfigKey, String> values) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(file, key, value, values);
            } else if (value.isValueNode()) {
                values.put(
                        known(file, key), value.isNull() ? "" : value.asText().strip());
            } else {
                throw new ConfigException(
                        "config key '" + key + "' in " + file + " must be a single value, not a list");
            }
        }
    }

    private static ConfigKey known(Path file, String key) {
        return ConfigKey.byKey(key)
                .orElseThrow(() -> new ConfigException(
                        "unknown config key '" + key + "' in " + file + "; known keys: " + ConfigKey.allKeys()));
    }
}
