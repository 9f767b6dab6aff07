package io.gatehouse.connector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bare entry point for running the connector without the CLI (the tests start it as a separate process
 * this way): {@code --gateway HOST:PORT --ca FILE [--name NAME] [--token-file FILE]}, the token otherwise
 * from {@code GATEHOUSE_CONNECTOR_TOKEN}. {@code gatehouse connector} is the user-facing command.
 * Exit codes: 0 after SIGTERM, 2 for bad arguments, 3 when the gateway refuses the connector for good.
 */
public final class ConnectorMain {
    private ConnectorMain() {}

    public static void main(String[] args) throws InterruptedException {
        String gateway = null;
        String ca = null;
        String name = null;
        String token = System.getenv("GATEHOUSE_CONNECTOR_TOKEN");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--gateway" -> gateway = args[i + 1];
                case "--ca" -> ca = args[i + 1];
                case "--name" -> name = args[i + 1];
                case "--token-file" -> token = read(Path.of(args[i + 1]));
                default -> usage("unknown option " + args[i]);
            }
        }
        if (gateway == null || ca == null || token == null || token.isBlank()) {
            usage("--gateway, --ca and a token are required");
        }
        Connector connector = Connector.start(ConnectorSettings.of(gateway, token.strip(), Path.of(ca), name));
        Runtime.getRuntime().addShutdownHook(new Thread(connector::close, "connector-shutdown"));
        String fatal = connector.awaitStop();
        if (fatal != null) {
            System.err.println("gatehouse connector: " + fatal);
            System.exit(3);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            usage("cannot read the token file " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static void usage(String problem) {
        System.err.println("gatehouse connector: " + problem);
        System.err.println("usage: ConnectorMain --gateway HOST:PORT --ca FILE [--name NAME] [--token-file FILE]");
        System.exit(2);
    }
}
