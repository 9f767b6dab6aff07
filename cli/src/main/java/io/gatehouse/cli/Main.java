package io.gatehouse.cli;

import io.gatehouse.gateway.GatewayStartupException;
import io.gatehouse.gateway.config.ConfigException;
import io.gatehouse.gateway.recorder.LogDamagedException;
import io.gatehouse.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code gatehouse} command. Expected failures (bad flags, bad config, an unreachable gateway, an
 * API error) print one line, {@code gatehouse: ...}, and exit non-zero; only a bug prints a stack trace.
 */
@Command(
        name = "gatehouse",
        versionProvider = Main.Version.class,
        description = {
            "Gatehouse: an access gateway that keeps a fail-closed, tamper-evident record of every",
            "command that AI agents and people run against databases and hosts."
        },
        subcommands = {
            GatewayCommand.class,
            LoginCommand.class,
            IdentitiesCommand.class,
            TokensCommand.class,
            ConnectionsCommand.class,
            ConnectorsCommand.class,
            ConnectorCommand.class,
            GrantsCommand.class,
            AuditCommand.class,
            SessionsCommand.class,
            TimelineCommand.class
        })
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // one log format: java.util.logging (Helidon) goes through SLF4J/Logback too
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(run(
                System.getenv(),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                args));
    }

    /** Runs one command line with the given environment and streams (tests call this in-process). */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CliEnvironment.set(env);
        CommandLine cli = new CommandLine(new Main());
        withHelpEverywhere(cli);
        cli.getSubcommands().get("gateway").getCommandSpec().usageMessage().footer(GatewayCommand.settingsFooter());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message =
                    switch (e) {
                        case CliException c -> c.getMessage();
                        case ConfigException c -> c.getMessage();
                        case GatewayStartupException g -> g.getMessage();
                        case LogDamagedException d -> d.getMessage();
                        case StoreException s -> s.getMessage();
                        default -> null;
                    };
            if (message == null) {
                throw e;
            }
            commandLine.getErr().println("gatehouse: " + message);
            commandLine.getErr().flush();
            return e instanceof CliException c ? c.exitCode() : 1;
        });
        return cli.execute(args);
    }

    /** Every command and subcommand answers -h/--help and -V/--version, whatever its required options. */
    private static void withHelpEverywhere(CommandLine command) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(Main::withHelpEverywhere);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/io/gatehouse/cli/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "gatehouse " + p.getProperty("version", "unknown") + " (Java "
                        + Runtime.version().feature() + ")"
            };
        }
    }
}
