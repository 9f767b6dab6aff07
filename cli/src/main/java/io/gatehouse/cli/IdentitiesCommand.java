package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "identities",
        description = "Manage identities (people and AI agents).",
        subcommands = {
            IdentitiesCommand.Create.class,
            IdentitiesCommand.ListCmd.class,
            IdentitiesCommand.Disable.class,
            IdentitiesCommand.Enable.class
        })
final class IdentitiesCommand {

    @Command(
            name = "create",
            description = "Create an identity. One identity per agent: never share one between agents.")
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "lower-case name; PostgreSQL clients use it as their user")
        String name;

        @Option(
                names = "--kind",
                required = true,
                paramLabel = "agent|human",
                description = "agent (an AI agent instance) or human")
        String kind;

        @Option(
                names = "--role",
                defaultValue = "user",
                paramLabel = "user|auditor|admin",
                description = "default: ${DEFAULT-VALUE}")
        String role;

        @Override
        public void run() {
            JsonNode created =
                    client.client().post("/api/v1/identities", Map.of("name", name, "kind", kind, "role", role));
            if (client.json) {
                client.printJson(created);
            } else {
                client.out()
                        .printf(
                                "created %s identity '%s' with role %s%n",
                                Table.text(created, "kind"), Table.text(created, "name"), Table.text(created, "role"));
            }
        }
    }

    @Command(name = "list", description = "List identities.")
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            JsonNode list = client.client().get("/api/v1/identities");
            if (client.json) {
                client.printJson(list);
                return;
            }
            Table t = new Table("NAME", "KIND", "ROLE", "STATUS", "CREATED");
            list.forEach(i -> t.row(
                    Table.text(i, "name"),
                    Table.text(i, "kind"),
                    Table.text(i, "role"),
                    i.path("disabled").asBoolean() ? "disabled" : "active",
                    Times.local(Table.text(i, "createdAt"))));
            t.print(client.out());
        }
    }

    @Command(name = "disable", description = "Disable an identity: its tokens stop working at once.")
    static final class Disable implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode i = client.client().post("/api/v1/identities/" + name + "/disable", Map.of());
            if (client.json) {
                client.printJson(i);
            } else {
                client.out().printf("identity '%s' is disabled%n", name);
            }
        }
    }

    @Command(name = "enable", description = "Enable a disabled identity again.")
    static final class Enable implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            JsonNode i = client.client().post("/api/v1/identities/" + name + "/enable", Map.of());
            if (client.json) {
                client.printJson(i);
            } else {
                client.out().printf("identity '%s' is enabled%n", name);
            }
        }
    }
}
