package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "timeline",
        description = "Every command on one connection, across identities, in execution order, with its outcome.",
        footer = {
            "",
            "WHEN is a duration before now (90s, 30m, 1h, 2d) or an ISO-8601 instant (2026-11-24T09:00:00Z).",
            "Long SQL is shortened in the table; --json prints it whole with parameters and results.",
            "Only admins and auditors read the timeline (it spans identities).",
            "",
            "Example: gatehouse timeline --connection pg-prod --since 1h"
        })
final class TimelineCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--connection", required = true, paramLabel = "NAME", description = "the connection")
    String connection;

    @Option(names = "--since", paramLabel = "WHEN", description = "from WHEN: 1h, 30m, 2d ago, or an ISO-8601 instant")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "up to WHEN (as --since)")
    String until;

    @Option(names = "--limit", paramLabel = "N", description = "at most N commands (default 50)")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "C", description = "the next page, as printed after a full page")
    String cursor;

    @Override
    public Integer call() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("connection", connection);
        q.put("since", Review.instant("--since", since, Clock.systemUTC()));
        q.put("until", Review.instant("--until", until, Clock.systemUTC()));
        q.put("limit", limit == null ? null : limit.toString());
        q.put("cursor", cursor);
        JsonNode page = client.client().get("/api/v1/timeline" + Review.query(q));
        if (client.json) {
            client.printJson(page);
            return 0;
        }
        Table t = new Table("TIME", "IDENTITY", "SESSION", "SQL", "OUTCOME", "MS", "INTEGRITY")
                .fitting(3, Table.terminalWidth());
        page.path("commands").forEach(c -> {
            JsonNode result = c.get("result");
            String ms = result == null || !result.hasNonNull("duration_micros")
                    ? null
                    : String.format("%.1f", result.get("duration_micros").asLong() / 1000.0);
            t.row(
                    Times.local(Table.text(c, "time")),
                    Table.text(c, "identity"),
                    Table.text(c, "session"),
                    Review.shorten(Table.text(c.path("fields"), "sql"), Review.MAX_SQL),
                    Review.outcome(result),
                    ms,
                    Review.integrity(c));
        });
        t.print(client.out());
        if (page.hasNonNull("nextCursor")) {
            client.out().printf("more: --cursor %s%n", page.get("nextCursor").asText());
            client.out().flush();
        }
        return 0;
    }
}
