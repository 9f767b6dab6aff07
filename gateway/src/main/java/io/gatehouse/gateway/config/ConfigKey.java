package io.gatehouse.gateway.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key the gateway understands, with its default. A key {@code a.b-c} can be set in the
 * config file (YAML nesting or a properties line), by the environment variable {@code GATEHOUSE_A_B_C}, or
 * by a command-line flag where one exists; later sources win in that order.
 */
public enum ConfigKey {
    DATA("data", "./gatehouse-data", "data directory: store, TLS material, signing key"),
    BIND("bind", "127.0.0.1", "address every listener binds to"),
    API_PORT("api.port", "8443", "HTTPS port of the REST API and web UI"),
    PG_PORT("pg.port", "15432", "PostgreSQL protocol listener port"),
    PG_MAX_MESSAGE_SIZE(
            "pg.max-message-size",
            "64MiB",
            "largest PostgreSQL message buffered whole (bytes, or with KiB/MiB); larger ones end the session with 54000"),
    PG_STARTUP_TIMEOUT(
            "pg.startup-timeout",
            "60s",
            "a client connection that has not finished start-up, authentication and the upstream login by then is"
                    + " cut (08006), as PostgreSQL's authentication_timeout"),
    PG_CONNECT_TIMEOUT(
            "pg.connect-timeout",
            "10s",
            "how long opening a connection's upstream (directly or via its connector) may take"),
    PG_EVENT_LOOPS(
            "pg.event-loops",
            "0",
            "threads that serve PostgreSQL clients and their upstream connections; 0 = one per available"
                    + " processor"),
    TUNNEL_PORT("tunnel.port", "8009", "port connectors dial in to"),
    TUNNEL_HEARTBEAT(
            "tunnel.heartbeat",
            "5s",
            "heartbeat interval on each connector's control stream; a connector silent for 3 intervals is offline"
                    + " and its sessions end"),
    STORE_URL("store.url", "", "jdbc:sqlite:PATH or jdbc:postgresql://...; empty = SQLite in the data directory"),
    STORE_USERNAME("store.username", "", "user for a PostgreSQL store"),
    STORE_PASSWORD("store.password", "", "password for a PostgreSQL store (prefer the environment variable)"),
    STORE_POOL_SIZE("store.pool-size", "8", "connections to a PostgreSQL store"),
    STORE_COMMIT_JOURNAL(
            "store.commit-journal",
            "on",
            "SQLite store: each log append is made durable by one write and fsync in <store>.commits, then applied to"
                    + " SQLite; off = one synced SQLite transaction per append (slower)"),
    INSTANCE("instance", "", "name of this gateway instance; its log's origin; empty = generated once and kept"),
    RECORDER_DEADLINE("recorder.deadline", "2s", "how long a fail-closed command waits for its record to be durable"),
    RECORDER_QUEUE("recorder.queue", "65536", "events waiting to be written before producers are refused"),
    RECORDER_BATCH("recorder.batch", "1024", "most events written in one transaction"),
    CHECKPOINT_INTERVAL("checkpoint.interval", "1s", "how often a checkpoint is signed while events arrive"),
    TLS_CERT("tls.cert", "", "PEM server certificate chain; empty = the generated dev CA's certificate"),
    TLS_KEY("tls.key", "", "PEM private key for tls.cert"),
    SECRET_KEY("secret.key", "", "base64 AES-256 key for stored credentials; empty = DATA/secret.key"),
    RECORDING_PREVIEW_ROWS(
            "recording.preview-rows", "100", "rows of each result recorded for connections recording content 'full'"),
    RECORDING_PREVIEW_BYTES(
            "recording.preview-bytes", "64KiB", "most bytes of each result's preview (bytes, or with KiB/MiB)"),
    AUTH_MAX_FAILURES("auth.max-failures", "5", "failed logins from one address before it is locked out"),
    AUTH_LOCKOUT("auth.lockout", "1m", "first lockout; doubles per further failure, up to 15 minutes");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** {@code store.pool-size} → {@code GATEHOUSE_STORE_POOL_SIZE}. */
    public String environmentVariable() {
        return "GATEHOUSE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static List<String> allKeys() {
        return Arrays.stream(values()).map(ConfigKey::key).toList();
    }
}
