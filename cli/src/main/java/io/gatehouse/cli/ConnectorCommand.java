package io.gatehouse.cli;

import io.gatehouse.connector.Connector;
import io.gatehouse.connector.ConnectorSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "connector",
        description = {
            "Run a connector next to your resources: it dials OUT to the gateway over TLS (no inbound port),",
            "opens connections to targets when the gateway asks, and reconnects with backoff when the gateway",
            "goes away. Credentials referenced as env:NAME resolve in this process's environment and reach the",
            "gateway only in memory, for the one session that needs them.",
            "",
            "The token comes from --token-file, --token or GATEHOUSE_CONNECTOR_TOKEN (prefer the file or the",
            "environment: a command line is visible to other users of the machine).",
            "Exit codes: 0 after SIGTERM, 2 for bad options, 3 when the gateway refuses the connector",
            "(unknown or removed token, wrong name, or a gateway certificate the CA does not vouch for)."
        })
final class ConnectorCommand implements Callable<Integer> {
    @Option(
            names = "--gateway",
            required = true,
            paramLabel = "HOST:PORT",
            description = "the gateway's tunnel listener (its tunnel.port, default 8009)")
    String gateway;

    @Option(
            names = "--ca",
            required = true,
            paramLabel = "FILE",
            description = "PEM CA certificate the gateway's certificate must chain to (DATA/tls/ca.crt on the gateway)")
    Path ca;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the connector token")
    Path tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the connector token (see above)")
    String token;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "the connector's name; the gateway checks it against the token (default: the token's)")
    String name;

    @Override
    public Integer call() throws Exception {
        String value = token();
        if (!Files.isReadable(ca)) {
            throw new CliException("cannot read the CA certificate " + ca, 2);
        }
        Connector connector = Connector.start(ConnectorSettings.of(gateway, value, ca, name));
        Runtime.getRuntime().addShutdownHook(new Thread(connector::close, "connector-shutdown"));
        String fatal = connector.awaitStop();
        if (fatal != null) {
            throw new CliException(fatal, 3);
        }
        return 0;
    }

    private String token() {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException("cannot read the token file " + tokenFile + ": " + e.getMessage(), 2);
            }
        }
        if (token != null) {
            return token.strip();
        }
        String fromEnvironment = CliEnvironment.get().get("GATEHOUSE_CONNECTOR_TOKEN");
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            throw new CliException(
                    "no connector token: give --token-file FILE (or set GATEHOUSE_CONNECTOR_TOKEN); mint one with"
                            + " gatehouse connectors add NAME",
                    2);
        }
        return fromEnvironment.strip();
    }
}
