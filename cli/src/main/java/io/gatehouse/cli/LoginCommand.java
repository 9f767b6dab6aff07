package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "login",
        description = {
            "Check a token against a gateway and save URL, CA and token in the client profile",
            "($XDG_CONFIG_HOME/gatehouse/profile.json, mode 0600) for later commands."
        })
final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "gateway API URL (default https://127.0.0.1:8443)")
    String url;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "the gateway's CA certificate (default ./gatehouse-data/tls/ca.crt)")
    String ca;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "read the token from a file (else GATEHOUSE_TOKEN, else stdin)")
    Path tokenFile;

    @Override
    public Integer call() {
        String token = token();
        Map<String, String> env = new java.util.HashMap<>(CliEnvironment.get());
        env.put("GATEHOUSE_TOKEN", token);
        String effectiveUrl = url != null ? url : env.getOrDefault("GATEHOUSE_URL", Profile.DEFAULT_URL);
        String effectiveCa = ca != null ? ca : env.get("GATEHOUSE_CA");
        if (effectiveCa == null && Files.isReadable(Path.of("gatehouse-data/tls/ca.crt"))) {
            effectiveCa = Path.of("gatehouse-data/tls/ca.crt").toAbsolutePath().toString();
        }
        ApiClient client = ApiClient.create(effectiveUrl, effectiveCa, env, true);
        JsonNode me = client.get("/api/v1/whoami");
        new Profile(
                        effectiveUrl,
                        effectiveCa == null
                                ? null
                                : Path.of(effectiveCa).toAbsolutePath().toString(),
                        token)
                .write(CliEnvironment.get());
        spec.commandLine()
                .getOut()
                .printf(
                        "logged in to %s as '%s' (%s, role %s); profile saved to %s%n",
                        effectiveUrl,
                        Table.text(me, "name"),
                        Table.text(me, "kind"),
                        Table.text(me, "role"),
                        Profile.file(CliEnvironment.get()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private String token() {
        try {
            if (tokenFile != null) {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            }
            String env = CliEnvironment.get("GATEHOUSE_TOKEN");
            if (env != null && !env.isBlank()) {
                return env.strip();
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw new CliException("no token: pass --token-file FILE, set GATEHOUSE_TOKEN, or pipe it on stdin");
            }
            return line.strip();
        } catch (IOException e) {
            throw new CliException("cannot read the token: " + e.getMessage());
        }
    }
}
