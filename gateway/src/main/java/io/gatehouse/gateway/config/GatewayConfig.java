package io.gatehouse.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's resolved, validated settings. Built by {@link ConfigLoader}; every value was checked here
 * so that the rest of the gateway never re-validates. {@code toString} leaves out secrets.
 */
public record GatewayConfig(
        Path dataDirectory,
        String bind,
        int apiPort,
        int pgPort,
        int tunnelPort,
        Optional<String> storeUrl,
        Optional<String> storeUsername,
        Optional<String> storePassword,
        int storePoolSize,
        boolean storeCommitJournal,
        Optional<String> instance,
        Duration recorderDeadline,
        int recorderQueue,
        int recorderBatch,
        Duration checkpointInterval,
        Optional<Path> tlsCertificate,
        Optional<Path> tlsKey,
        Optional<String> secretKey,
        int authMaxFailures,
        Duration authLockout,
        int pgMaxMessageSize,
        int previewRows,
        int previewBytes,
        Duration pgStartupTimeout,
        Duration pgConnectTimeout,
        int pgEventLoops,
        Duration tunnelHeartbeat) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(KiB|MiB)?");

    static GatewayConfig from(Map<ConfigKey, String> values) {
        Optional<Path> cert = optional(values, ConfigKey.TLS_CERT).map(Path::of);
        Optional<Path> key = optional(values, ConfigKey.TLS_KEY).map(Path::of);
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException("tls.cert and tls.key must be given together (got only "
                    + (cert.isPresent() ? "tls.cert" : "tls.key") + ")");
        }
        return new GatewayConfig(
                Path.of(required(values, ConfigKey.DATA)),
                required(values, ConfigKey.BIND),
                port(values, ConfigKey.API_PORT),
                port(values, ConfigKey.PG_PORT),
                port(values, ConfigKey.TUNNEL_PORT),
                optional(values, ConfigKey.STORE_URL),
                optional(values, ConfigKey.STORE_USERNAME),
                optional(values, ConfigKey.STORE_PASSWORD),
                positive(values, ConfigKey.STORE_POOL_SIZE),
                onOff(values, ConfigKey.STORE_COMMIT_JOURNAL),
                optional(values, ConfigKey.INSTANCE),
                duration(values, ConfigKey.RECORDER_DEADLINE),
                positive(values, ConfigKey.RECORDER_QUEUE),
                positive(values, ConfigKey.RECORDER_BATCH),
                duration(values, ConfigKey.CHECKPOINT_INTERVAL),
                cert,
                key,
                optional(values, ConfigKey.SECRET_KEY),
                positive(values, ConfigKey.AUTH_MAX_FAILURES),
                duration(values, ConfigKey.AUTH_LOCKOUT),
                size(values, ConfigKey.PG_MAX_MESSAGE_SIZE, 1024),
                nonNegative(values, ConfigKey.RECORDING_PREVIEW_ROWS),
                size(values, ConfigKey.RECORDING_PREVIEW_BYTES, 0),
                duration(values, ConfigKey.PG_STARTUP_TIMEOUT),
                duration(values, ConfigKey.PG_CONNECT_TIMEOUT),
                eventLoops(values, ConfigKey.PG_EVENT_LOOPS),
                duration(values, ConfigKey.TUNNEL_HEARTBEAT));
    }

    /** Parses {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 30d}. */
    public static Duration parseDuration(String what, String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new ConfigException(what + " must be a duration like 500ms, 2s, 5m, 1h or 30d, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String required(Map<ConfigKey, String> values, ConfigKey key) {
        return optional(values, key).orElseThrow(() -> new ConfigException(key.key() + " must not be empty"));
    }

    private static Optional<String> optional(Map<ConfigKey, String> values, ConfigKey key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static int port(Map<ConfigKey, String> values, ConfigKey key) {
        int port = integer(values, key);
        if (port < 0 || port > 65535) {
            throw new ConfigException(key.key() + " must be a port between 0 and 65535, not " + port);
        }
        return port;
    }

    private static int positive(Map<ConfigKey, String> values, ConfigKey key) {
        int n = integer(values, key);
        if (n <= 0) {
            throw new ConfigException(key.key() + " must be a positive number, not " + n);
        }
        return n;
    }

    private static boolean onOff(Map<ConfigKey, String> values, ConfigKey key) {
        String value = optional(values, key).orElse("").toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new ConfigException(key.key() + " must be on or off, not '" + values.get(key) + "'");
        };
    }

    /** 0 (the default) means one per available processor; more than 1,024 is surely a typo. */
    private static int eventLoops(Map<ConfigKey, String> values, ConfigKey key) {
        int n = integer(values, key);
        if (n < 0 || n > 1024) {
            throw new ConfigException(key.key() + " must be between 0 (one per processor) and 1024, not " + n);
        }
        return n == 0 ? Runtime.getRuntime().availableProcessors() : n;
    }

    private static int nonNegative(Map<ConfigKey, String> values, ConfigKey key) {
        int n = integer(values, key);
        if (n < 0) {
            throw new ConfigException(key.key() + " must not be negative, got " + n);
        }
        return n;
    }

    /** {@code 1048576}, {@code 64KiB}, {@code 64MiB}; at least {@code minimum} and below 2 GiB. */
    private static int size(Map<ConfigKey, String> values, ConfigKey key, int minimum) {
        String text = required(values, key);
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(key.key() + " must be a size such as 65536, 64KiB or 64MiB, not '" + text + "'");
        }
        long unit = m.group(2) == null ? 1 : m.group(2).equals("KiB") ? 1024 : 1024 * 1024;
        long n;
        try {
            n = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        if (n < minimum || n > Integer.MAX_VALUE) {
            throw new ConfigException(
                    key.key() + " must be between " + minimum + " bytes and 2 GiB, not '" + text + "'");
        }
        return (int) n;
    }

    private static int integer(Map<ConfigKey, String> values, ConfigKey key) {
        String text = required(values, key);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key() + " must be a whole number, not '" + text + "'");
        }
    }

    private static Duration duration(Map<ConfigKey, String> values, ConfigKey key) {
        Duration d = parseDuration(key.key(), required(values, key));
        if (d.isZero()) {
            throw new ConfigException(key.key() + " must be longer than zero");
        }
        return d;
    }

    @Override
    public String toString() {
        return "GatewayConfig[data=" + dataDirectory + ", bind=" + bind + ", api=" + apiPort + ", pg=" + pgPort
                + ", tunnel=" + tunnelPort + ", store="
                + storeUrl.map(GatewayConfig::withoutQuery).orElse("sqlite (data directory)") + "]";
    }

    /** A JDBC URL may carry a password in its query string; logs and errors show it without. */
    public static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
