package io.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Event;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.recorder.RecordingUnavailableException;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An admin change whose record cannot be made durable does not happen (fail-closed). */
class AdminFailClosedTest {
    @TempDir
    Path dir;

    /** A recorder whose store is "down": every durable append fails; best-effort ones are collected. */
    static final class DownRecorder implements Recorder {
        final List<Event> bestEffort = new ArrayList<>();

        @Override
        public CompletableFuture<Long> append(Event draft) {
            return CompletableFuture.failedFuture(new RecordingUnavailableException("store down (test)"));
        }

        @Override
        public void appendBestEffort(Event draft) {
            bestEffort.add(draft);
        }
    }

    /** A recorder that never answers: the deadline must cut the wait. */
    static final class SilentRecorder implements Recorder {
        @Override
        public CompletableFuture<Long> append(Event draft) {
            return new CompletableFuture<>();
        }

        @Override
        public void appendBestEffort(Event draft) {}
    }

    @Test
    void noRecordNoChange() {
        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("s.db")))) {
            AdminService admin = new AdminService(
                    store, new DownRecorder(), SecretBox.fromBase64(key()), Clock.systemUTC(), Duration.ofMillis(200));
            assertThatThrownBy(() -> admin.createIdentity(Actor.gateway(), "devin", "agent", "user"))
                    .isInstanceOf(RecordingUnavailableException.class);
            assertThat(store.identities().byName("devin")).isEmpty();

            assertThatThrownBy(() -> admin.addConnection(
                            Actor.gateway(),
                            new ConnectionSpec("pg", "postgres", "h:5432", null, null, null, "pw", null, null, null)))
                    .isInstanceOf(RecordingUnavailableException.class);
            assertThat(store.connections().byName("pg")).isEmpty();
        }
    }

    @Test
    void aRecordThatIsNotDurableWithinTheDeadlineRefusesTheChange() {
        try (Store store = Store.open(StoreSettings.sqlite(dir.resolve("s.db")))) {
            store.identities()
                    .create("devin", io.gatehouse.store.IdentityKind.AGENT, io.gatehouse.store.Role.USER, new byte[16]);
            AdminService admin = new AdminService(
                    store,
                    new SilentRecorder(),
                    SecretBox.fromBase64(key()),
                    Clock.systemUTC(),
                    Duration.ofMillis(100));
            assertThatThrownBy(() -> admin.mintToken(Actor.gateway(), "devin", Optional.empty()))
                    .isInstanceOf(RecordingUnavailableException.class)
                    .hasMessageContaining("not durable within 100 ms");
            assertThat(store.tokens().list()).isEmpty();
        }
    }

    private static String key() {
        return java.util.Base64.getEncoder().encodeToString(new byte[32]);
    }
}
