package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by every command that talks to a gateway's API. */
final class ClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "gateway API URL (env GATEHOUSE_URL; default https://127.0.0.1:8443)")
    String url;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description =
                    "CA certificate to trust the gateway with (env GATEHOUSE_CA; default ./gatehouse-data/tls/ca.crt)")
    String ca;

    @Option(names = "--json", description = "print JSON for scripts instead of a table")
    boolean json;

    ApiClient client() {
        return ApiClient.create(url, ca, CliEnvironment.get(), true);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(JsonNode node) {
        try {
            out().println(ApiClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out().flush();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot print JSON: " + e.getMessage());
        }
    }
}
