package io.gatehouse.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a connector reaches its gateway.
 *
 * @param gateway {@code host:port} of the gateway's tunnel listener
 * @param token the connector token minted by {@code gatehouse connectors add}
 * @param ca the PEM CA certificate the gateway's certificate must chain to (pinned: nothing else is trusted)
 * @param name the connector's name, checked against its token by the gateway; null to take the token's
 * @param environment resolves {@code env:NAME} credential references (the process environment)
 */
public record ConnectorSettings(
        String gateway,
        String token,
        Path ca,
        String name,
        Duration initialBackoff,
        Duration maxBackoff,
        Function<String, String> environment) {
    public ConnectorSettings {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(environment, "environment");
    }

    public static ConnectorSettings of(String gateway, String token, Path ca, String name) {
        return new ConnectorSettings(
                gateway, token, ca, name, Duration.ofMillis(500), Duration.ofSeconds(30), System::getenv);
    }

    @Override
    public String toString() {
        return "ConnectorSettings[gateway=" + gateway + ", ca=" + ca + ", name=" + name + ", token=<redacted>]";
    }
}
