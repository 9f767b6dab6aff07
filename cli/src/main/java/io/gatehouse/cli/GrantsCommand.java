package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "grants",
        description = "Grant identities access to connections.",
        subcommands = {GrantsCommand.Add.class, GrantsCommand.ListCmd.class, GrantsCommand.Remove.class})
final class GrantsCommand {

    @Command(name = "add", description = "Let IDENTITY use CONNECTION.")
    static final class Add implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "IDENTITY")
        String identity;

        @Parameters(index = "1", paramLabel = "CONNECTION")
        String connection;

        @Override
        public void run() {
            JsonNode g = client.client().post("/api/v1/grants", Map.of("identity", identity, "connection", connection));
            if (client.json) {
                client.printJson(g);
            } else {
                client.out().printf("granted '%s' access to '%s'%n", identity, connection);
                client.out().flush();
            }
        }
    }

    @Command(name = "list", description = "List grants.")
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            JsonNode list = client.client().get("/api/v1/grants");
            if (client.json) {
                client.printJson(list);
                return;
            }
            Table t = new Table("IDENTITY", "CONNECTION", "GRANTED");
            list.forEach(g -> t.row(
                    Table.text(g, "identity"), Table.text(g, "connection"), Times.local(Table.text(g, "createdAt"))));
            t.print(client.out());
        }
    }

    @Command(name = "remove", description = "Take away IDENTITY's access to CONNECTION.")
    static final class Remove implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "IDENTITY")
        String identity;

        @Parameters(index = "1", paramLabel = "CONNECTION")
        String connection;

        @Override
        public void run() {
            client.client().delete("/api/v1/grants/" + identity + "/" + connection);
            client.out().printf("removed '%s' access to '%s'%n", identity, connection);
            client.out().flush();
        }
    }
}
