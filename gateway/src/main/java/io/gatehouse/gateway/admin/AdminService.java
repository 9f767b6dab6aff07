package io.gatehouse.gateway.admin;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.security.AccessRevocations;
import io.gatehouse.gateway.security.ConnectorTokens;
import io.gatehouse.gateway.security.MintedToken;
import io.gatehouse.gateway.security.ScramSha256;
import io.gatehouse.gateway.security.ScramVerifier;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.gateway.security.Tokens;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectionType;
import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.store.Credential;
import io.gatehouse.store.Durability;
import io.gatehouse.store.Grant;
import io.gatehouse.store.Identity;
import io.gatehouse.store.IdentityKind;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.RecordingContent;
import io.gatehouse.store.Role;
import io.gatehouse.store.Store;
import io.gatehouse.store.TokenRecord;
import io.gatehouse.store.UpstreamTls;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Identities, tokens, connections and grants: validation, role checks and the audit trail of every change.
 *
 * <p>Order of an admin change: validate and check preconditions; make the {@code admin} event durable
 * (fail-closed: if the record cannot be written, the change is refused); apply the change. If applying
 * fails after the record was written (a race with a concurrent change), a second event records the
 * failure, so the log never claims a change that silently did not happen.
 */
public final class AdminService {
    private final Store store;
    private final Recorder recorder;
    private final SecretBox secrets;
    private final Clock clock;
    private final Duration deadline;
    private final AdminEvents events;
    private final AccessRevocations revocations;
    private volatile ConnectorEvents connectorEvents = ConnectorEvents.NONE;

    public AdminService(Store store, Recorder recorder, SecretBox secrets, Clock clock, Duration deadline) {
        this(store, recorder, secrets, clock, deadline, new AccessRevocations());
    }

    /** {@code revocations} hears of every revoked token and disabled identity, once the store has it. */
    public AdminService(
            Store store,
            Recorder recorder,
            SecretBox secrets,
            Clock clock,
            Duration deadline,
            AccessRevocations revocations) {
        this.revocations = revocations;
        this.store = store;
        this.recorder = recorder;
        this.secrets = secrets;
        this.clock = clock;
        this.deadline = deadline;
        this.events = new AdminEvents(clock);
    }

    /** Who hears of connector changes and of connections moving between connectors (the tunnel's registry). */
    public interface ConnectorEvents {
        ConnectorEvents NONE = new ConnectorEvents() {
            @Override
            public void targetsChanged(String connector) {}

            @Override
            public void removed(String connector) {}
        };

        /** The connections bound to {@code connector} (null: the built-in one) changed. */
        void targetsChanged(String connector);

        /** The connector was removed: its token no longer works and its link must end. */
        void removed(String connector);
    }

    public void connectorEvents(ConnectorEvents listener) {
        this.connectorEvents = listener;
    }

    // ---- identities ----

    public Identity createIdentity(Actor actor, String name, String kind, String role) {
        requireAdmin(actor, "create identities");
        Validation.name("identity", name);
        IdentityKind k = parse(() -> IdentityKind.parse(kind == null ? "" : kind));
        Role r = role == null ? Role.USER : parse(() -> Role.parse(role));
        if (store.identities().byName(name).isPresent()) {
            throw new io.gatehouse.store.DuplicateException("identity '" + name + "' already exists");
        }
        Identity planned = new Identity(0, name, k, r, false, new byte[0], clock.instant());
        Event event = events.event(actor, "identity.create", name, new Value.Null(), AdminEvents.of(planned));
        return recordThenApply(actor, event, () -> store.identities().create(name, k, r, ScramSha256.newSalt()));
    }

    public List<Identity> identities(Actor actor) {
        if (actor.readsEverything()) {
            return store.identities().list();
        }
        return store.identities().byName(actor.name()).stream().toList();
    }

    public Identity identity(Actor actor, String name) {
        if (!actor.readsEverything() && !actor.name().equals(name)) {
            throw new ForbiddenException("identity '" + actor.name() + "' may only read itself");
        }
        return store.identities()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no identity named '" + name + "'"));
    }

    public Identity setDisabled(Actor actor, String name, boolean disabled) {
        requireAdmin(actor, disabled ? "disable identities" : "enable identities");
        Identity before = store.identities()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no identity named '" + name + "'"));
        if (disabled && before.name().equals(actor.name())) {
            throw new InvalidRequestException("an admin cannot disable itself ('" + name + "'); ask another admin");
        }
        Identity after = new Identity(
                before.id(),
                before.name(),
                before.kind(),
                before.role(),
                disabled,
                before.scramSalt(),
                before.createdAt());
        Event event = events.event(
                actor,
                disabled ? "identity.disable" : "identity.enable",
                name,
                AdminEvents.of(before),
                AdminEvents.of(after));
        Identity result = recordThenApply(actor, event, () -> store.identities().setDisabled(name, disabled));
        if (disabled) {
            revocations.identityDisabled(name);
        }
        return result;
    }

    // ---- tokens ----

    /** A freshly minted token: the secret value is returned here once and never again. */
    public record NewToken(TokenRecord record, String identity, String value) {
        @Override
        public String toString() {
            return "NewToken[" + record.prefix() + " for " + identity + "]";
        }
    }

    public NewToken mintToken(Actor actor, String identityName, Optional<Duration> validFor) {
        requireAdmin(actor, "mint tokens");
        Identity identity = store.identities()
                .byName(identityName)
                .orElseThrow(() -> new NotFoundException("no identity named '" + identityName + "'"));
        if (validFor.isPresent()
                && (validFor.get().isNegative() || validFor.get().isZero())) {
            throw new InvalidRequestException("a token's lifetime must be positive, not " + validFor.get());
        }
        MintedToken minted = Tokens.mint();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expires = validFor.map(now::plus).orElse(null);
        ScramVerifier verifier =
                ScramSha256.derive(minted.value(), identity.scramSalt(), ScramSha256.DEFAULT_ITERATIONS);
        TokenRecord record = new TokenRecord(
                minted.id(),
                identity.id(),
                minted.displayPrefix(),
                Tokens.sha256(minted.value()),
                verifier.salt(),
                verifier.iterations(),
                verifier.storedKey(),
                verifier.serverKey(),
                now,
                expires,
                null,
                null);
        Event event = events.event(
                actor, "token.create", minted.id(), new Value.Null(), AdminEvents.of(record, identity.name()));
        recordThenApply(actor, event, () -> {
            store.tokens().insert(record);
            return record;
        });
        return new NewToken(record, identity.name(), minted.value());
    }

    /** Tokens by id and prefix only; admins and auditors see all, others their own. */
    public List<TokenRecord> tokens(Actor actor, Optional<String> identityName) {
        Optional<String> who = identityName;
        if (!actor.readsEverything()) {
            if (who.isPresent() && !who.get().equals(actor.name())) {
                throw new ForbiddenException("identity '" + actor.name() + "' may only list its own tokens");
            }
            who = Optional.of(actor.name());
        }
        if (who.isEmpty()) {
            return store.tokens().list();
        }
        String name = who.get();
        Identity identity = store.identities()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no identity named '" + name + "'"));
        return store.tokens().forIdentity(identity.id());
    }

    public TokenRecord revokeToken(Actor actor, String tokenId) {
        TokenRecord before = store.tokens()
                .byId(tokenId)
                .orElseThrow(() -> new NotFoundException("no token with id '" + tokenId + "'"));
        String owner =
                store.identities().byId(before.identityId()).map(Identity::name).orElse("?");
        if (!actor.admin() && !owner.equals(actor.name())) {
            throw new ForbiddenException("only admins may revoke other identities' tokens");
        }
        if (before.revokedAt() != null) {
            throw new InvalidRequestException("token " + before.prefix() + " is already revoked");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        TokenRecord after = new TokenRecord(
                before.id(),
                before.identityId(),
                before.prefix(),
                before.sha256(),
                before.scramSalt(),
                before.scramIterations(),
                before.scramStoredKey(),
                before.scramServerKey(),
                before.createdAt(),
                before.expiresAt(),
                now,
                before.lastUsedAt());
        Event event = events.event(
                actor, "token.revoke", tokenId, AdminEvents.of(before, owner), AdminEvents.of(after, owner));
        recordThenApply(actor, event, () -> store.tokens().revoke(tokenId, now));
        revocations.tokenRevoked(tokenId, before.prefix());
        return after;
    }

    // ---- connections ----

    public ConnectionRecord addConnection(Actor actor, ConnectionSpec spec) {
        requireAdmin(actor, "add connections");
        String name = Validation.name("connection", spec.name());
        ConnectionType type = parse(() -> ConnectionType.parse(spec.type() == null ? "" : spec.type()));
        String target = Validation.target(spec.target());
        RecordingContent content =
                spec.recording() == null ? defaultContent(type) : parse(() -> RecordingContent.parse(spec.recording()));
        Durability durability =
                spec.durability() == null ? Durability.FAIL_CLOSED : parse(() -> Durability.parse(spec.durability()));
        if (spec.password() != null && spec.secretReference() != null) {
            throw new InvalidRequestException("give either a password or a secret reference, not both");
        }
        if (spec.connector() != null && !spec.connector().isBlank()) {
            Validation.name("connector", spec.connector());
            if (store.connectors().byName(spec.connector()).isEmpty()) {
                throw new InvalidRequestException("no connector named '" + spec.connector()
                        + "'; register it first with: gatehouse connectors add " + spec.connector());
            }
        }
        if (store.connections().byName(name).isPresent()) {
            throw new io.gatehouse.store.DuplicateException("connection '" + name + "' already exists");
        }
        Credential credential;
        if (spec.password() != null) {
            credential = new Credential.Encrypted(secrets.seal(spec.password().getBytes(StandardCharsets.UTF_8), name));
        } else if (spec.secretReference() != null) {
            credential = new Credential.Reference(Validation.secretReference(spec.secretReference()));
        } else {
            credential = new Credential.None();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        UpstreamTls upstreamTls =
                spec.upstreamTls() == null ? UpstreamTls.DISABLE : parse(() -> UpstreamTls.parse(spec.upstreamTls()));
        ConnectionRecord record = new ConnectionRecord(
                name,
                type,
                target,
                blankToNull(spec.connector()),
                blankToNull(spec.username()),
                blankToNull(spec.database()),
                credential,
                content,
                durability,
                upstreamTls,
                now,
                now);
        Event event = events.event(actor, "connection.create", name, new Value.Null(), AdminEvents.of(record));
        ConnectionRecord created =
                recordThenApply(actor, event, () -> store.connections().create(record));
        connectorEvents.targetsChanged(created.connector());
        return created;
    }

    /** DESIGN.md: databases and HTTP record commands by default; terminals record everything. */
    static RecordingContent defaultContent(ConnectionType type) {
        return switch (type) {
            case SSH, SHELL -> RecordingContent.FULL;
            case POSTGRES, MYSQL, HTTP -> RecordingContent.COMMANDS;
        };
    }

    public List<ConnectionRecord> connections(Actor actor) {
        if (actor.readsEverything()) {
            return store.connections().list();
        }
        return store.connections().list().stream()
                .filter(c -> store.grants().exists(actor.name(), c.name()))
                .toList();
    }

    public ConnectionRecord connection(Actor actor, String name) {
        ConnectionRecord c = store.connections()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no connection named '" + name + "'"));
        if (!actor.readsEverything() && !store.grants().exists(actor.name(), name)) {
            throw new NotFoundException("no connection named '" + name + "'");
        }
        return c;
    }

    public void removeConnection(Actor actor, String name) {
        requireAdmin(actor, "remove connections");
        ConnectionRecord before = store.connections()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no connection named '" + name + "'"));
        Event event = events.event(actor, "connection.remove", name, AdminEvents.of(before), new Value.Null());
        recordThenApply(actor, event, () -> store.connections().remove(name));
        connectorEvents.targetsChanged(before.connector());
    }

    // ---- connectors ----

    /** A freshly registered connector: its token is returned here once and never again. */
    public record NewConnector(ConnectorRecord record, String token) {
        @Override
        public String toString() {
            return "NewConnector[" + record.name() + ", token <redacted>]";
        }
    }

    public NewConnector addConnector(Actor actor, String name) {
        requireAdmin(actor, "register connectors");
        Validation.name("connector", name);
        if (store.connectors().byName(name).isPresent()) {
            throw new io.gatehouse.store.DuplicateException("connector '" + name + "' already exists");
        }
        MintedToken minted = ConnectorTokens.mint();
        ConnectorRecord record =
                new ConnectorRecord(name, minted.id(), Tokens.sha256(minted.value()), null, null, null, null);
        Event event = events.event(actor, "connector.create", name, new Value.Null(), AdminEvents.of(record));
        ConnectorRecord created =
                recordThenApply(actor, event, () -> store.connectors().create(record));
        return new NewConnector(created, minted.value());
    }

    public List<ConnectorRecord> connectors(Actor actor) {
        if (!actor.readsEverything()) {
            throw new ForbiddenException(
                    "only admins and auditors may list connectors; identity '" + actor.name() + "' is neither");
        }
        return store.connectors().list();
    }

    public void removeConnector(Actor actor, String name) {
        requireAdmin(actor, "remove connectors");
        ConnectorRecord before = store.connectors()
                .byName(name)
                .orElseThrow(() -> new NotFoundException("no connector named '" + name + "'"));
        List<String> users = store.connections().list().stream()
                .filter(c -> name.equals(c.connector()))
                .map(ConnectionRecord::name)
                .toList();
        if (!users.isEmpty()) {
            throw new InvalidRequestException("connector '" + name + "' still serves connections " + users
                    + "; remove them (or re-create them on another connector) first");
        }
        Event event = events.event(actor, "connector.remove", name, AdminEvents.of(before), new Value.Null());
        recordThenApply(actor, event, () -> store.connectors().remove(name));
        connectorEvents.removed(name);
    }

    // ---- grants ----

    public Grant addGrant(Actor actor, String identity, String connection) {
        requireAdmin(actor, "grant access");
        if (store.identities().byName(identity).isEmpty()) {
            throw new NotFoundException("no identity named '" + identity + "'");
        }
        if (store.connections().byName(connection).isEmpty()) {
            throw new NotFoundException("no connection named '" + connection + "'");
        }
        if (store.grants().exists(identity, connection)) {
            throw new io.gatehouse.store.DuplicateException(
                    "identity '" + identity + "' already has a grant on '" + connection + "'");
        }
        Grant planned = new Grant(identity, connection, clock.instant());
        Event event = events.event(
                actor, "grant.add", identity + "→" + connection, new Value.Null(), AdminEvents.of(planned));
        return recordThenApply(actor, event, () -> store.grants().add(identity, connection));
    }

    public List<Grant> grants(Actor actor) {
        if (actor.readsEverything()) {
            return store.grants().list();
        }
        return store.grants().forIdentity(actor.name());
    }

    public void removeGrant(Actor actor, String identity, String connection) {
        requireAdmin(actor, "remove grants");
        if (!store.grants().exists(identity, connection)) {
            throw new NotFoundException("identity '" + identity + "' has no grant on '" + connection + "'");
        }
        Grant before = new Grant(identity, connection, clock.instant());
        Event event = events.event(
                actor, "grant.remove", identity + "→" + connection, AdminEvents.of(before), new Value.Null());
        recordThenApply(actor, event, () -> store.grants().remove(identity, connection));
    }

    // ---- helpers ----

    private <T> T recordThenApply(Actor actor, Event event, Supplier<T> change) {
        recorder.appendDurably(event, deadline);
        try {
            return change.get();
        } catch (RuntimeException e) {
            String action = event.field("action") instanceof Value.Str s ? s.value() : "unknown";
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String target = event.field("target") instanceof Value.Str t ? t.value() : "";
            recorder.appendBestEffort(events.event(actor, action + ".failed", target, new Value.Null(), Value.of(why)));
            throw e;
        }
    }

    private static void requireAdmin(Actor actor, String what) {
        if (!actor.admin()) {
            throw new ForbiddenException(
                    "only admins may " + what + "; identity '" + actor.name() + "' is not an admin");
        }
    }

    private static <T> T parse(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
