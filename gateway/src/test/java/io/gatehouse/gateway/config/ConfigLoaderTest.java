package io.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDocumentedOnes() {
        GatewayConfig c = new ConfigLoader(Map.of()).load(null, Map.of());
        assertThat(c.dataDirectory()).isEqualTo(Path.of("./gatehouse-data"));
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.apiPort()).isEqualTo(8443);
        assertThat(c.pgPort()).isEqualTo(15432);
        assertThat(c.tunnelPort()).isEqualTo(8009);
        assertThat(c.storeUrl()).isEmpty();
        assertThat(c.recorderDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.pgEventLoops())
                .as("pg.event-loops 0: one per processor")
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void eventLoopsAreAPositiveCountOrZeroForOnePerProcessor() {
        ConfigLoader loader = new ConfigLoader(Map.of("GATEHOUSE_PG_EVENT_LOOPS", "3"));
        assertThat(loader.load(null, Map.of()).pgEventLoops()).isEqualTo(3);
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.PG_EVENT_LOOPS, "-1")))
                .hasMessage("pg.event-loops must be between 0 (one per processor) and 1024, not -1");
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.PG_EVENT_LOOPS, "5000")))
                .hasMessage("pg.event-loops must be between 0 (one per processor) and 1024, not 5000");
    }

    @Test
    void theCommitJournalIsOnByDefaultAndTakesOnOrOff() {
        assertThat(new ConfigLoader(Map.of()).load(null, Map.of()).storeCommitJournal())
                .isTrue();
        ConfigLoader off = new ConfigLoader(Map.of("GATEHOUSE_STORE_COMMIT_JOURNAL", "off"));
        assertThat(off.load(null, Map.of()).storeCommitJournal()).isFalse();
        assertThat(off.load(null, Map.of(ConfigKey.STORE_COMMIT_JOURNAL, "ON")).storeCommitJournal())
                .isTrue();
        assertThatThrownBy(() -> off.load(null, Map.of(ConfigKey.STORE_COMMIT_JOURNAL, "sometimes")))
                .hasMessage("store.commit-journal must be on or off, not 'sometimes'");
    }

    @Test
    void yamlFileThenEnvironmentThenFlagsEachOverrideTheLast() throws IOException {
        Path yaml = Files.writeString(dir.resolve("g.yaml"), "api:\n  port: 9000\npg:\n  port: 9001\nbind: 0.0.0.0\n");
        Map<String, String> env = Map.of("GATEHOUSE_PG_PORT", "9101", "GATEHOUSE_BIND", "10.0.0.1");
        GatewayConfig c = new ConfigLoader(env).load(yaml, Map.of(ConfigKey.BIND, "127.0.0.2"));
        assertThat(c.apiPort()).isEqualTo(9000); // file
        assertThat(c.pgPort()).isEqualTo(9101); // env over file
        assertThat(c.bind()).isEqualTo("127.0.0.2"); // flag over env
    }

    @Test
    void propertiesFilesAreReadWhenTheNameSaysSo() throws IOException {
        Path props = Files.writeString(dir.resolve("g.properties"), "store.pool-size=3\nrecorder.deadline=500ms\n");
        GatewayConfig c = new ConfigLoader(Map.of()).load(props, Map.of());
        assertThat(c.storePoolSize()).isEqualTo(3);
        assertThat(c.recorderDeadline()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void environmentVariableNamesFollowTheKey() {
        assertThat(ConfigKey.STORE_POOL_SIZE.environmentVariable()).isEqualTo("GATEHOUSE_STORE_POOL_SIZE");
        GatewayConfig c = new ConfigLoader(Map.of("GATEHOUSE_STORE_POOL_SIZE", "12")).load(null, Map.of());
        assertThat(c.storePoolSize()).isEqualTo(12);
    }

    @Test
    void unknownKeyInTheFileIsNamed() throws IOException {
        Path yaml = Files.writeString(dir.resolve("g.yaml"), "api:\n  prot: 9000\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'api.prot'");
    }

    @Test
    void unrelatedGatehouseVariablesAreIgnored() {
        GatewayConfig c =
                new ConfigLoader(Map.of("GATEHOUSE_TOKEN", "x", "GATEHOUSE_URL", "https://h")).load(null, Map.of());
        assertThat(c.apiPort()).isEqualTo(8443);
    }

    @Test
    void missingFileAndBadValuesGiveOneClearLine() throws IOException {
        ConfigLoader loader = new ConfigLoader(Map.of());
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"), Map.of()))
                .hasMessageContaining("nope.yaml does not exist");
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.API_PORT, "70000")))
                .hasMessage("api.port must be a port between 0 and 65535, not 70000");
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.API_PORT, "abc")))
                .hasMessage("api.port must be a whole number, not 'abc'");
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.RECORDER_DEADLINE, "2 seconds")))
                .hasMessageContaining("recorder.deadline must be a duration like");
        assertThatThrownBy(() -> loader.load(null, Map.of(ConfigKey.TLS_CERT, "/x.pem")))
                .hasMessageContaining("tls.cert and tls.key must be given together");
        Path broken = Files.writeString(dir.resolve("b.yaml"), "api: [1, 2\n");
        assertThatThrownBy(() -> loader.load(broken, Map.of())).hasMessageContaining("is not valid YAML");
    }

    @Test
    void toStringLeavesOutTheStorePasswordAndUrlQuery() {
        GatewayConfig c = new ConfigLoader(Map.of(
                        "GATEHOUSE_STORE_PASSWORD", "hunter2",
                        "GATEHOUSE_STORE_URL", "jdbc:postgresql://h/db?password=hunter2"))
                .load(null, Map.of());
        assertThat(c.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://h/db");
    }
}
