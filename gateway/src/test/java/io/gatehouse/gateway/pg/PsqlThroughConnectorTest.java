package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.Map;

/** {@link PsqlTest}, every connection through a connector running as a separate process (issue 5 asks for both). */
class PsqlThroughConnectorTest extends PsqlTest {
    @Override
    PgFixture fixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        return PgFixture.throughConnector(dir, server, config, ENVIRONMENT);
    }

    /** The connector's own environment: what env: credential references resolve against. */
    static final Map<String, String> ENVIRONMENT = Map.of();
}
