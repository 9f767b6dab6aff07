package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "connections",
        description = "Manage connections: the resources reached through the gateway.",
        subcommands = {
            ConnectionsCommand.Add.class,
            ConnectionsCommand.ListCmd.class,
            ConnectionsCommand.Show.class,
            ConnectionsCommand.Remove.class
        })
final class ConnectionsCommand {

    static final class Credential {
        @Option(
                names = "--password-env",
                paramLabel = "VAR",
                description =
                        "read the resource password from this environment variable of this command; stored encrypted")
        String passwordEnv;

        @Option(
                names = "--password-stdin",
                description = "read the resource password from the first line of stdin; stored encrypted")
        boolean passwordStdin;

        @Option(
                names = "--secret-ref",
                paramLabel = "env:NAME",
                description =
                        "let the connector resolve the password from its own environment; never stored at the gateway")
        String secretRef;
    }

    @Command(
            name = "add",
            description = "Add a connection. Recording has no 'off': choose what is kept and how strictly.")
    static final class Add implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "lower-case name; PostgreSQL clients use it as their dbname")
        String name;

        @Option(
                names = "--type",
                required = true,
                paramLabel = "TYPE",
                description = "postgres, mysql, ssh, http or shell")
        String type;

        @Option(
                names = "--target",
                required = true,
                paramLabel = "HOST:PORT",
                description = "the resource as its connector sees it")
        String target;

        @Option(names = "--username", paramLabel = "U", description = "user the gateway logs in to the resource as")
        String username;

        @Option(names = "--database", paramLabel = "D", description = "default database")
        String database;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Credential credential;

        @Option(
                names = "--recording",
                paramLabel = "full|commands",
                description =
                        "what is kept: commands and result metadata (default for databases and HTTP), or full content (default for terminals)")
        String recording;

        @Option(
                names = "--durability",
                paramLabel = "fail-closed|best-effort",
                description = "fail-closed (default): a command runs only after its record is durable")
        String durability;

        @Option(
                names = "--connector",
                paramLabel = "C",
                description = "connector that reaches the target (default: the gateway's built-in one)")
        String connector;

        @Option(
                names = "--upstream-tls",
                paramLabel = "disable|require|verify-full",
                description =
                        "TLS from the gateway to the resource (default disable; verify-full checks the certificate"
                                + " against the gateway JVM's trusted CAs and the target host name)")
        String upstreamTls;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("type", type);
            body.put("target", target);
            putIf(body, "username", username);
            putIf(body, "database", database);
            putIf(body, "recording", recording);
            putIf(body, "durability", durability);
            putIf(body, "connector", connector);
            putIf(body, "upstreamTls", upstreamTls);
            if (credential != null) {
                if (credential.passwordEnv != null) {
                    String value = CliEnvironment.get(credential.passwordEnv);
                    if (value == null) {
                        throw new CliException("environment variable " + credential.passwordEnv + " is not set");
                    }
                    body.put("password", value);
                } else if (credential.passwordStdin) {
                    body.put("password", readStdinLine());
                } else {
                    body.put("secretRef", credential.secretRef);
                }
            }
            JsonNode created = client.client().post("/api/v1/connections", body);
            if (client.json) {
                client.printJson(created);
            } else {
                Show.describe(client, created);
            }
        }

        private static String readStdinLine() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException("--password-stdin: nothing on stdin");
                }
                return line;
            } catch (IOException e) {
                throw new CliException("--password-stdin: " + e.getMessage());
            }
        }

        private static void putIf(Map<String, Object> body, String key, String value) {
            if (value != null) {
                body.put(key, value);
            }
        }
    }

    @Command(name = "list", description = "List connections.")
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            JsonNode list = client.client().get("/api/v1/connections");
            if (client.json) {
                client.printJson(list);
                return;
            }
            Table t = new Table("NAME", "TYPE", "TARGET", "CONNECTOR", "RECORDING", "DURABILITY");
            list.forEach(c -> t.row(
                    Table.text(c, "name"),
                    Table.text(c, "type"),
                    Table.text(c, "target"),
                    Table.text(c, "connector"),
                    Table.text(c.path("recording"), "content"),
                    Table.text(c.path("recording"), "durability")));
            t.print(client.out());
        }
    }

    @Command(name = "show", description = "Show one connection, its recording settings stated plainly.")
    static final class Show implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode c = client.client().get("/api/v1/connections/" + name);
            if (client.json) {
                client.printJson(c);
            } else {
                describe(client, c);
            }
        }

        static void describe(ClientOptions client, JsonNode c) {
            var out = client.out();
            String content = Table.text(c.path("recording"), "content");
            String durability = Table.text(c.path("recording"), "durability");
            out.printf("connection  %s%n", Table.text(c, "name"));
            out.printf("type        %s%n", Table.text(c, "type"));
            out.printf("target      %s (via %s connector)%n", Table.text(c, "target"), Table.text(c, "connector"));
            out.printf("username    %s%n", orDash(Table.text(c, "username")));
            out.printf("database    %s%n", orDash(Table.text(c, "database")));
            out.printf("credential  %s%n", Table.text(c, "credential"));
            out.printf("tls         %s%n", describeTls(Table.text(c, "upstreamTls")));
            out.printf(
                    "recording   %s: %s%n",
                    content,
                    "full".equals(content)
                            ? "commands, their results and returned content are recorded"
                            : "commands and result metadata (status, row counts, errors) are recorded; returned content is not");
            out.printf(
                    "durability  %s: %s%n",
                    durability,
                    "fail-closed".equals(durability)
                            ? "a command reaches the resource only after its record is durable; if the store is down, commands are refused"
                            : "commands run at once; their records are written as soon as the store allows (kept in memory while it is down)");
            out.flush();
        }

        private static String describeTls(String mode) {
            return switch (mode == null ? "disable" : mode) {
                case "require" ->
                    "require: the gateway encrypts to the resource; the resource's certificate is not checked";
                case "verify-full" ->
                    "verify-full: the gateway encrypts to the resource and checks its certificate and host name";
                default -> "disable: plain TCP from the gateway (or its connector) to the resource";
            };
        }

        private static String orDash(String s) {
            return s == null ? "-" : s;
        }
    }

    @Command(name = "remove", description = "Remove a connection and its grants.")
    static final class Remove implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client.client().delete("/api/v1/connections/" + name);
            client.out().printf("connection '%s' removed%n", name);
            client.out().flush();
        }
    }
}
