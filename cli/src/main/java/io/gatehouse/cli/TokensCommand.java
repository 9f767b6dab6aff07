package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tokens",
        description = "Mint, list and revoke tokens.",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListCmd.class, TokensCommand.Revoke.class})
final class TokensCommand {

    @Command(
            name = "create",
            description = {
                "Mint a token for an identity and print it alone on stdout.",
                "It is shown once: the gateway keeps only hashes of it."
            })
    static final class Create implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "IDENTITY")
        String identity;

        @Option(
                names = "--expires",
                paramLabel = "DURATION",
                description = "lifetime, e.g. 12h, 30d (default: no expiry)")
        String expires;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("identity", identity);
            if (expires != null) {
                body.put("expires", expires);
            }
            JsonNode minted = client.client().post("/api/v1/tokens", body);
            if (client.json) {
                client.printJson(minted);
            } else {
                client.out().println(Table.text(minted, "token"));
                client.out().flush();
            }
        }
    }

    @Command(name = "list", description = "List tokens by id and prefix (never their secret).")
    static final class ListCmd implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "IDENTITY", arity = "0..1", description = "only this identity's tokens")
        String identity;

        @Override
        public void run() {
            String path = "/api/v1/tokens"
                    + (identity == null ? "" : "?identity=" + URLEncoder.encode(identity, StandardCharsets.UTF_8));
            JsonNode list = client.client().get(path);
            if (client.json) {
                client.printJson(list);
                return;
            }
            Table t = new Table("ID", "IDENTITY", "PREFIX", "STATUS", "CREATED", "EXPIRES", "LAST USED");
            list.forEach(k -> t.row(
                    Table.text(k, "id"),
                    Table.text(k, "identity"),
                    Table.text(k, "prefix"),
                    Table.text(k, "status"),
                    Times.local(Table.text(k, "createdAt")),
                    Times.local(Table.text(k, "expiresAt")),
                    Times.local(Table.text(k, "lastUsedAt"))));
            t.print(client.out());
        }
    }

    @Command(name = "revoke", description = "Revoke a token by id; it stops working at once.")
    static final class Revoke implements Runnable {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            client.client().delete("/api/v1/tokens/" + id);
            client.out().printf("token %s revoked%n", id);
            client.out().flush();
        }
    }
}
