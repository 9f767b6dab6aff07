package io.gatehouse.gateway.recorder;

import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;

/** Every recorder test again, on the shared store. */
class LogWriterOnPostgresTest extends LogWriterTest {
    @Override
    StoreSettings settings() {
        PostgresDatabase db = EmbeddedPostgresServer.shared().createPostgresDatabase();
        return new StoreSettings(db.jdbcUrl(), db.username(), db.password().isEmpty() ? null : db.password(), 4);
    }
}
