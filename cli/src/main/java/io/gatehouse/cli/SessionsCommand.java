package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sessions",
        description = "Review recorded sessions: list and filter them, show one with its events, follow one live.",
        footer = {
            "",
            "Examples:",
            "  gatehouse sessions list --connection pg-prod --since 1h",
            "  gatehouse sessions list --identity agent-7 --status open --json",
            "  gatehouse sessions show 4f2a9c01d3e87b55",
            "  gatehouse sessions follow 4f2a9c01d3e87b55",
            "",
            "Admins and auditors see every session; other identities only their own.",
            "Times are shown in the local time zone; --json prints the API's answer unshortened."
        },
        subcommands = {SessionsCommand.ListCmd.class, SessionsCommand.Show.class, SessionsCommand.Follow.class})
final class SessionsCommand {

    @Command(
            name = "list",
            description = "List sessions, newest first. A full page ends with the --cursor of the next one.",
            footer = {
                "",
                "WHEN is a duration before now (90s, 30m, 1h, 2d) or an ISO-8601 instant (2026-11-24T09:00:00Z).",
                "Example: gatehouse sessions list --connection pg-prod --since 1h"
            })
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Option(names = "--identity", paramLabel = "NAME", description = "only this identity's sessions")
        String identity;

        @Option(names = "--connection", paramLabel = "NAME", description = "only sessions on this connection")
        String connection;

        @Option(names = "--type", paramLabel = "TYPE", description = "only this protocol, e.g. postgres")
        String type;

        @Option(names = "--status", paramLabel = "open|closed", description = "only open or only closed sessions")
        String status;

        @Option(
                names = "--since",
                paramLabel = "WHEN",
                description = "still running at or after WHEN: 1h, 30m, 2d ago, or an ISO-8601 instant")
        String since;

        @Option(names = "--until", paramLabel = "WHEN", description = "started by WHEN (as --since)")
        String until;

        @Option(names = "--search", paramLabel = "TEXT", description = "only sessions with a command containing TEXT")
        String search;

        @Option(names = "--limit", paramLabel = "N", description = "at most N sessions (default 50)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "C", description = "the next page, as printed after a full page")
        String cursor;

        @Override
        public void run() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("identity", identity);
            q.put("connection", connection);
            q.put("type", type);
            q.put("status", status);
            q.put("since", Review.instant("--since", since, Clock.systemUTC()));
            q.put("until", Review.instant("--until", until, Clock.systemUTC()));
            q.put("q", search);
            q.put("limit", limit == null ? null : limit.toString());
            q.put("cursor", cursor);
            JsonNode page = client.client().get("/api/v1/sessions" + Review.query(q));
            if (client.json) {
                client.printJson(page);
                return;
            }
            Table t = new Table(
                    "STARTED", "SESSION", "IDENTITY", "CONNECTION", "CLIENT", "STATUS", "CMDS", "ERRS", "INTEGRITY");
            page.path("sessions")
                    .forEach(s -> t.row(
                            Times.local(Table.text(s, "started")),
                            Table.text(s, "id"),
                            Table.text(s, "identity"),
                            Table.text(s, "connection"),
                            Table.text(s, "client"),
                            Table.text(s, "status"),
                            Table.text(s, "commandCount"),
                            Table.text(s, "errorCount"),
                            Review.integrity(s)));
            t.print(client.out());
            if (page.hasNonNull("nextCursor")) {
                client.out()
                        .printf("more: --cursor %s%n", page.get("nextCursor").asText());
                client.out().flush();
            }
        }
    }

    @Command(name = "show", description = "Show a session's facts and its events in order.")
    static final class Show implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            JsonNode s = client.client().get("/api/v1/sessions/" + id);
            if (client.json) {
                client.printJson(s);
                return;
            }
            PrintWriter out = client.out();
            out.printf("session     %s (log %s)%n", Table.text(s, "id"), Table.text(s, "log"));
            out.printf("identity    %s (token %s)%n", Review.text(s, "identity", "-"), Review.text(s, "token", "-"));
            out.printf("connection  %s (%s)%n", Review.text(s, "connection", "-"), Review.text(s, "type", "-"));
            out.printf("client      %s %s%n", Review.text(s, "client", "-"), Review.text(s, "application", ""));
            out.printf("started     %s%n", Times.local(Table.text(s, "started")));
            String ended = Table.text(s, "ended");
            out.printf(
                    "status      %s%n",
                    ended == null
                            ? "open"
                            : "closed " + Times.local(ended) + " (" + Review.text(s, "endReason", "-") + ")");
            out.printf(
                    "counts      %s events, %s commands, %s errors%n",
                    Table.text(s, "eventCount"), Table.text(s, "commandCount"), Table.text(s, "errorCount"));
            out.printf("integrity   %s%n", integrity(s.path("integrity")));
            s.path("events").forEach(e -> out.println(Review.eventLine(e)));
            out.flush();
        }

        static String integrity(JsonNode i) {
            String status = Review.text(i, "status", "?");
            return switch (status) {
                case "verified" ->
                    "verified: covered by the signed checkpoint of size " + Table.text(i, "checkpointSize") + " ("
                            + Times.local(Table.text(i, "checkpointAt")) + ")";
                case "partial" ->
                    "partial: events before index " + Table.text(i, "checkpointSize")
                            + " are covered by a signed checkpoint, later ones not yet";
                default -> "pending: not yet covered by a signed checkpoint";
            };
        }
    }

    @Command(
            name = "follow",
            description = "Print a session's events, then new ones as they are recorded, until the session ends.")
    static final class Follow implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--after", paramLabel = "INDEX", description = "start after this log index")
        Long after;

        @Override
        public void run() {
            String path = "/api/v1/sessions/" + id + "/follow" + (after == null ? "" : "?after=" + after);
            PrintWriter out = client.out();
            client.client().events(path, data -> {
                if (client.json) {
                    out.println(data);
                } else {
                    try {
                        out.println(Review.eventLine(ApiClient.MAPPER.readTree(data)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new CliException("the gateway sent an event that is not JSON: " + e.getMessage());
                    }
                }
                out.flush();
            });
        }
    }
}
