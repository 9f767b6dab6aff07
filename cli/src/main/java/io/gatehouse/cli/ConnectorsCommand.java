package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "connectors",
        description = {
            "Register, list and remove connectors: processes next to your resources that dial out to the gateway.",
            "Run one with: gatehouse connector --gateway HOST:PORT --token-file FILE --ca FILE"
        },
        subcommands = {ConnectorsCommand.Add.class, ConnectorsCommand.ListCmd.class, ConnectorsCommand.Remove.class})
final class ConnectorsCommand {

    @Command(
            name = "add",
            description = {
                "Register a connector and print its token alone on stdout.",
                "It is shown once: the gateway keeps only its hash. Give it to the connector with --token-file."
            })
    static final class Add implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "e.g. pg-net: the name connections refer to (--connector)")
        String name;

        @Override
        public void run() {
            JsonNode created = client.client().post("/api/v1/connectors", Map.of("name", name));
            if (client.json) {
                client.printJson(created);
            } else {
                client.out().println(Table.text(created, "token"));
                client.out().flush();
            }
        }
    }

    @Command(
            name = "list",
            description = "List connectors: online or offline, version, address, last seen, streams open, targets.")
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Override
        public void run() {
            JsonNode list = client.client().get("/api/v1/connectors");
            if (client.json) {
                client.printJson(list);
                return;
            }
            Table t = new Table("NAME", "STATE", "VERSION", "ADDRESS", "LAST SEEN", "STREAMS", "TARGETS");
            list.forEach(c -> t.row(
                    Table.text(c, "name"),
                    Table.text(c, "state"),
                    Table.text(c, "version"),
                    Table.text(c, "address"),
                    Times.local(Table.text(c, "lastSeen")),
                    Table.text(c, "streamsOpen"),
                    targets(c.get("targets"))));
            t.print(client.out());
        }

        /** "2/3 reachable (db2:5432: connection refused)", or "-" before the first report. */
        static String targets(JsonNode targets) {
            if (targets == null || targets.isEmpty()) {
                return "-";
            }
            int reachable = 0;
            StringBuilder down = new StringBuilder();
            for (JsonNode t : targets) {
                if (t.get("reachable").asBoolean()) {
                    reachable++;
                } else {
                    down.append(down.isEmpty() ? " (" : "; ")
                            .append(Table.text(t, "target"))
                            .append(": ")
                            .append(Table.text(t, "error"));
                }
            }
            return reachable + "/" + targets.size() + " reachable" + (down.isEmpty() ? "" : down + ")");
        }
    }

    @Command(name = "remove", description = "Remove a connector: its token stops working and its link ends at once.")
    static final class Remove implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            client.client().delete("/api/v1/connectors/" + name);
            client.out().printf("connector %s removed%n", name);
            client.out().flush();
        }
    }
}
