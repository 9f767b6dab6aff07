package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README walkthrough through the real CLI against a real gateway on loopback. */
class CliAdminTest {
    @TempDir
    Path data;

    @TempDir
    Path home;

    TestGateway gw;
    Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() {
        gw = TestGateway.start(data, Clock.systemUTC());
        env.put("XDG_CONFIG_HOME", home.toString());
        env.put("GATEHOUSE_URL", "https://127.0.0.1:" + gw.gateway().apiPort());
        env.put("GATEHOUSE_CA", data.resolve("tls/ca.crt").toString());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    CliRun run(String... args) {
        return CliRun.of(env, args);
    }

    @Test
    void versionAndHelpWork() {
        CliRun version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("gatehouse 0.1.0");
        CliRun help = run("--help");
        assertThat(help.out()).contains("gateway", "identities", "tokens", "connections", "grants", "audit", "login");
        assertThat(run("connections", "add", "--help").out())
                .contains("--password-stdin", "--secret-ref", "--durability");
        CliRun gateway = run("gateway", "--help");
        assertThat(gateway.exitCode()).isZero();
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(gateway.out())
                    .as("gateway --help lists every setting")
                    .contains(key.key(), key.environmentVariable());
        }
        assertThat(gateway.out()).contains("pg.event-loops  GATEHOUSE_PG_EVENT_LOOPS  (default 0)");
    }

    @Test
    void theWalkthroughWorksFromLoginToGrant() throws Exception {
        CliRun login =
                run("login", "--token-file", data.resolve("initial-admin-token").toString());
        assertThat(login.exitCode()).as(login.err()).isZero();
        assertThat(login.out()).contains("as 'admin'");
        Path profile = home.resolve("gatehouse/profile.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile)))
                .isEqualTo("rw-------");

        assertThat(run("identities", "create", "devin", "--kind", "agent").out())
                .contains("created agent identity 'devin' with role user");

        CliRun token = run("tokens", "create", "devin", "--expires", "30d");
        assertThat(token.exitCode()).isZero();
        assertThat(token.out()).matches("gh_[a-z2-7]{12}_[A-Za-z0-9_-]{43}\\R");

        env.put("PGPASS", "s3cret-pw");
        CliRun add = run(
                "connections",
                "add",
                "pg-prod",
                "--type",
                "postgres",
                "--target",
                "127.0.0.1:5432",
                "--username",
                "app",
                "--database",
                "app",
                "--password-env",
                "PGPASS");
        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).doesNotContain("s3cret-pw");

        CliRun show = run("connections", "show", "pg-prod");
        assertThat(show.out())
                .contains("recording   commands: commands and result metadata")
                .contains("durability  fail-closed: a command reaches the resource only after its record is durable")
                .contains("credential  stored");

        assertThat(run("grants", "add", "devin", "pg-prod").out()).contains("granted 'devin' access to 'pg-prod'");
        assertThat(run("grants", "list").out()).contains("devin").contains("pg-prod");
        assertThat(run("identities", "list").out())
                .contains("devin")
                .contains("agent")
                .contains("admin");
        CliRun tokens = run("tokens", "list", "devin", "--json");
        assertThat(tokens.out())
                .contains("\"prefix\"")
                .doesNotContain(token.out().strip());
    }

    @Test
    void expectedErrorsAreOneLineAndNonZero() {
        env.put("GATEHOUSE_TOKEN", "gh_aaaaaaaaaaaa_notvalidnotvalidnotvalidnotvalidnotvalid00");
        CliRun bad = run("identities", "list");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("gatehouse: the token is not valid (HTTP 401)" + System.lineSeparator());

        env.put("GATEHOUSE_TOKEN", gw.adminToken());
        CliRun invalid = run("connections", "add", "x", "--type", "oracle", "--target", "h:1");
        assertThat(invalid.exitCode()).isEqualTo(1);
        assertThat(invalid.err()).startsWith("gatehouse: ").contains("oracle").contains("HTTP 400");
        assertThat(invalid.err().lines()).hasSize(1);

        CliRun unknownFlag = run("identities", "list", "--frobnicate");
        assertThat(unknownFlag.exitCode()).isEqualTo(2);
        assertThat(unknownFlag.err()).contains("Unknown option: '--frobnicate'");

        CliRun missingArg = run("identities", "create", "x");
        assertThat(missingArg.exitCode()).isEqualTo(2);
        assertThat(missingArg.err()).contains("--kind");
    }

    @Test
    void unreachableGatewayAndWrongCaAreNamed() throws Exception {
        env.put("GATEHOUSE_TOKEN", gw.adminToken());
        Map<String, String> down = new HashMap<>(env);
        down.put("GATEHOUSE_URL", "https://127.0.0.1:1");
        CliRun refused = CliRun.of(down, "identities", "list");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("cannot reach the gateway");

        Path otherCa = home.resolve("other");
        io.gatehouse.gateway.security.DevCertificateAuthority.ensure(otherCa, java.util.List.of(), Clock.systemUTC());
        env.put("GATEHOUSE_CA", otherCa.resolve("ca.crt").toString());
        CliRun wrongCa = run("identities", "list");
        assertThat(wrongCa.exitCode()).isEqualTo(1);
        assertThat(wrongCa.err()).contains("TLS handshake").contains("GATEHOUSE_CA");
    }

    @Test
    void gatewayCommandReportsBadConfigurationInOneLine() {
        CliRun missing = run("gateway", "--config", home.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("gatehouse: config file " + home.resolve("nope.yaml") + " does not exist"
                        + System.lineSeparator());
        CliRun port = run("gateway", "--data", home.resolve("d").toString(), "--api-port", "99999");
        assertThat(port.err()).contains("api.port must be a port between 0 and 65535");
    }
}
