package io.gatehouse.cli;

import io.gatehouse.gateway.Gateway;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.config.ConfigLoader;
import io.gatehouse.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "gateway",
        description = {
            "Run the gateway: store, audit log, REST API and web UI, PostgreSQL listener, connector tunnel.",
            "",
            "Settings come from defaults, then --config FILE (YAML, or .properties), then GATEHOUSE_*"
                    + " environment variables (key a.b-c -> GATEHOUSE_A_B_C), then these flags; every key is listed"
                    + " below. On first start it creates the store, a dev TLS CA (DATA/tls/ca.crt), the Ed25519"
                    + " signing key, and an initial admin token, printed once and saved to DATA/initial-admin-token"
                    + " (mode 0600). Ctrl-C or SIGTERM shuts down cleanly."
        })
final class GatewayCommand implements Callable<Integer> {
    /** The help's footer: every configuration key with its environment variable, default and meaning. */
    static String[] settingsFooter() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Settings (config key, environment variable, default):");
        for (ConfigKey key : ConfigKey.values()) {
            String value = key.defaultValue().isEmpty() ? "none" : key.defaultValue();
            lines.add("  " + key.key() + "  " + key.environmentVariable() + "  (default " + value + ")");
            wrap(key.description(), "      ", 78, lines);
        }
        return lines.toArray(String[]::new);
    }

    /** Word-wraps {@code text} into lines of at most {@code width} characters, each starting with {@code indent}. */
    private static void wrap(String text, String indent, int width, List<String> lines) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default ./gatehouse-data)")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "config file, YAML or .properties")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", description = "listen address (default 127.0.0.1)")
    String bind;

    @Option(names = "--api-port", paramLabel = "PORT", description = "HTTPS API port (default 8443)")
    Integer apiPort;

    @Option(names = "--pg-port", paramLabel = "PORT", description = "PostgreSQL listener port (default 15432)")
    Integer pgPort;

    @Option(names = "--tunnel-port", paramLabel = "PORT", description = "connector tunnel port (default 8009)")
    Integer tunnelPort;

    @Option(
            names = "--store-url",
            paramLabel = "JDBC-URL",
            description = "jdbc:postgresql://... for a shared store (default: SQLite in DIR)")
    String storeUrl;

    @Override
    public Integer call() throws Exception {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        if (data != null) flags.put(ConfigKey.DATA, data.toString());
        if (bind != null) flags.put(ConfigKey.BIND, bind);
        if (apiPort != null) flags.put(ConfigKey.API_PORT, apiPort.toString());
        if (pgPort != null) flags.put(ConfigKey.PG_PORT, pgPort.toString());
        if (tunnelPort != null) flags.put(ConfigKey.TUNNEL_PORT, tunnelPort.toString());
        if (storeUrl != null) flags.put(ConfigKey.STORE_URL, storeUrl);
        GatewayConfig settings = new ConfigLoader(CliEnvironment.get()).load(config, flags);

        var out = spec.commandLine().getOut();
        Gateway gateway = Gateway.start(settings, Clock.systemUTC(), first -> {
            out.println();
            out.println("Initial admin token (shown once; also saved with mode 0600 to "
                    + settings.dataDirectory().resolve("initial-admin-token") + "):");
            out.println();
            out.println("    " + first.adminToken());
            out.println();
            out.flush();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gatehouse-shutdown"));
        gateway.awaitClose();
        return 0;
    }
}
