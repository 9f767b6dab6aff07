package io.gatehouse.gateway;

import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.AdminService;
import io.gatehouse.gateway.api.ApiServer;
import io.gatehouse.gateway.auth.Authenticator;
import io.gatehouse.gateway.config.GatewayConfig;
import io.gatehouse.gateway.index.SessionIndexing;
import io.gatehouse.gateway.pg.BuiltInConnector;
import io.gatehouse.gateway.pg.ConnectorRouter;
import io.gatehouse.gateway.pg.PgListener;
import io.gatehouse.gateway.pg.PgServices;
import io.gatehouse.gateway.pg.PreviewLimits;
import io.gatehouse.gateway.recorder.AuditLog;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.recorder.RecorderSettings;
import io.gatehouse.gateway.security.AccessRevocations;
import io.gatehouse.gateway.security.DevCertificateAuthority;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.FileSecrets;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.gateway.security.SigningKeyFile;
import io.gatehouse.gateway.security.TlsMaterial;
import io.gatehouse.gateway.tunnel.ConnectorRegistry;
import io.gatehouse.gateway.tunnel.TunnelServer;
import io.gatehouse.store.IdentityKind;
import io.gatehouse.store.Role;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.wire.pg.DecoderLimits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: store, audit log writer, admin services and listeners, started in dependency order
 * and closed in reverse (listeners first, so nothing new arrives; then the writer drains and signs a final
 * checkpoint; then the store).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final List<AutoCloseable> resources;
    private final ApiServer api;
    private final PgListener pg;
    private final TunnelServer tunnel;
    private final ConnectorRegistry connectors;
    private final LogWriter writer;
    private final Store store;
    private final DataDirectory data;
    private final String verifierKey;
    private final CountDownLatch closed = new CountDownLatch(1);

    private Gateway(
            List<AutoCloseable> resources,
            ApiServer api,
            PgListener pg,
            TunnelServer tunnel,
            ConnectorRegistry connectors,
            LogWriter writer,
            Store store,
            DataDirectory data,
            String verifierKey) {
        this.resources = resources;
        this.api = api;
        this.pg = pg;
        this.tunnel = tunnel;
        this.connectors = connectors;
        this.writer = writer;
        this.store = store;
        this.data = data;
        this.verifierKey = verifierKey;
    }

    /** What the first start produced for the operator: the initial admin token, shown once. */
    public record FirstStart(String adminToken) {
        @Override
        public String toString() {
            return "FirstStart[<token redacted>]";
        }
    }

    public static Gateway start(
            GatewayConfig config, Clock clock, java.util.function.Consumer<FirstStart> onFirstStart) {
        DataDirectory data = DataDirectory.prepare(config.dataDirectory());
        checkPortFree(config.bind(), config.apiPort(), "api.port");
        checkPortFree(config.bind(), config.pgPort(), "pg.port");
        checkPortFree(config.bind(), config.tunnelPort(), "tunnel.port");
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TlsMaterial tls = DevCertificateAuthority.ensure(data.tls(), List.of(config.bind()), clock);
            TlsMaterial serving = config.tlsCertificate().isPresent()
                    ? TlsMaterial.fromPem(
                            config.tlsCertificate().get(), config.tlsKey().orElseThrow(), tls.caCertificate())
                    : tls;
            SSLContext serverTls = serving.serverContext();
            KeyPair signingKey = SigningKeyFile.loadOrCreate(data.root());
            SecretBox secrets = config.secretKey()
                    .map(SecretBox::fromBase64)
                    .orElseGet(() -> SecretBox.loadOrCreate(data.secretKey()));

            Store store = Store.open(storeSettings(config, data));
            opened.add(store);
            String origin = "gatehouse/" + data.instance(config.instance());
            NoteSigner signer = new NoteSigner(origin, signingKey);
            RecorderSettings recorderSettings = new RecorderSettings(
                    config.recorderQueue(),
                    config.recorderBatch(),
                    config.checkpointInterval(),
                    config.recorderDeadline(),
                    callerCommits(config, store));
            LogWriter writer = AuditLog.open(origin, store.log(), signer, recorderSettings, clock);
            opened.add(writer);
            // Reading back is served from an index that this thread derives from the log, off the append path.
            opened.add(SessionIndexing.start(store.sessionIndexer(), Duration.ofMillis(100)));

            AccessRevocations revocations = new AccessRevocations();
            AdminService admin =
                    new AdminService(store, writer, secrets, clock, config.recorderDeadline(), revocations);
            FailureRateLimiter limiter = new FailureRateLimiter(
                    new FailureRateLimiter.Policy(
                            config.authMaxFailures(),
                            Duration.ofMinutes(1),
                            config.authLockout(),
                            Duration.ofMinutes(15),
                            100_000),
                    clock);
            Authenticator authenticator = new Authenticator(store, limiter, clock);

            if (store.identities().count() == 0) {
                onFirstStart.accept(bootstrap(admin, data));
            }
            ConnectorRegistry connectors = new ConnectorRegistry(store, clock, config.tunnelHeartbeat());
            opened.add(connectors);
            ApiServer api = ApiServer.start(
                    config.bind(),
                    config.apiPort(),
                    serverTls,
                    store,
                    writer,
                    signer.verifierKey(),
                    admin,
                    authenticator,
                    connectors,
                    clock);
            opened.add(api);
            LOG.info(
                    "API listening on https://{}:{} (CA certificate: {})",
                    hostForUrl(config.bind()),
                    api.port(),
                    tls.caCertificate());
            admin.connectorEvents(new AdminService.ConnectorEvents() {
                @Override
                public void targetsChanged(String connector) {
                    connectors.targetsChanged(connector);
                }

                @Override
                public void removed(String connector) {
                    connectors.removed(connector);
                }
            });
            char[] keyPassword = "gatehouse".toCharArray();
            TunnelServer tunnel = TunnelServer.start(
                    config.bind(),
                    config.tunnelPort(),
                    serving.serverKeyStore(keyPassword),
                    keyPassword,
                    store,
                    connectors,
                    limiter,
                    writer,
                    origin,
                    clock);
            opened.add(tunnel);
            LOG.info("connector tunnel listening on {}:{} (gRPC over TLS)", hostForUrl(config.bind()), tunnel.port());
            PgListener pg = PgListener.start(
                    config.bind(),
                    config.pgPort(),
                    PgServices.of(store, writer, secrets, limiter, serverTls, clock, config.recorderDeadline())
                            .withConnector(new ConnectorRouter(
                                    new BuiltInConnector(config.pgConnectTimeout()),
                                    connectors,
                                    config.pgConnectTimeout()))
                            .withStartupTimeout(config.pgStartupTimeout())
                            .withRevocations(revocations)
                            .withLimits(decoderLimits(config.pgMaxMessageSize()))
                            .withPreview(new PreviewLimits(config.previewRows(), config.previewBytes())),
                    config.pgEventLoops());
            opened.add(pg);
            LOG.info(
                    "PostgreSQL listening on {}:{} ({} event loops, {})",
                    hostForUrl(config.bind()),
                    pg.port(),
                    config.pgEventLoops(),
                    pg.transport());
            LOG.info(
                    "audit log '{}' at {} events; verifier key {}",
                    origin,
                    writer.head().size(),
                    signer.verifierKey());
            return new Gateway(opened, api, pg, tunnel, connectors, writer, store, data, signer.verifierKey());
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The default decoder limits with the configured largest message (rows and COPY data still stream). */
    private static DecoderLimits decoderLimits(int maxMessageSize) {
        DecoderLimits defaults = DecoderLimits.defaults();
        return new DecoderLimits(
                maxMessageSize, Math.min(defaults.streamThreshold(), maxMessageSize - 4), defaults.chunkSize());
    }

    private static FirstStart bootstrap(AdminService admin, DataDirectory data) {
        Actor gateway = Actor.gateway();
        admin.createIdentity(gateway, "admin", IdentityKind.HUMAN.wireName(), Role.ADMIN.wireName());
        AdminService.NewToken token = admin.mintToken(gateway, "admin", Optional.empty());
        try {
            FileSecrets.writeSecret(data.initialAdminToken(), (token.value() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            throw new GatewayStartupException("cannot write " + data.initialAdminToken() + ": " + e.getMessage());
        }
        return new FirstStart(token.value());
    }

    /**
     * Sessions commit their own fail-closed records when the writer is idle only on the embedded store with
     * its commit journal: one local write and fsync. A shared PostgreSQL store's commit is a network round
     * trip, which would hold a session's event loop (RecorderSettings#callerCommits).
     */
    private static boolean callerCommits(GatewayConfig config, Store store) {
        return store.dialect().equals("sqlite") && config.storeCommitJournal();
    }

    static StoreSettings storeSettings(GatewayConfig config, DataDirectory data) {
        if (config.storeUrl().isEmpty()) {
            return StoreSettings.sqlite(data.store()).withCommitJournal(config.storeCommitJournal());
        }
        return new StoreSettings(
                        config.storeUrl().get(),
                        config.storeUsername().orElse(null),
                        config.storePassword().orElse(null),
                        config.storePoolSize())
                .withCommitJournal(config.storeCommitJournal()); // used by a SQLite url only
    }

    private static void checkPortFree(String bind, int port, String key) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
        } catch (IOException e) {
            throw new GatewayStartupException("cannot listen on " + bind + ":" + port + " (" + key + "): "
                    + e.getMessage() + "; is another gateway running? choose another port with --"
                    + key.replace('.', '-'));
        }
    }

    private static String hostForUrl(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    public int apiPort() {
        return api.port();
    }

    public int pgPort() {
        return pg.port();
    }

    public int tunnelPort() {
        return tunnel.port();
    }

    public ConnectorRegistry connectors() {
        return connectors;
    }

    public LogWriter writer() {
        return writer;
    }

    public Store store() {
        return store;
    }

    public DataDirectory data() {
        return data;
    }

    public String verifierKey() {
        return verifierKey;
    }

    /** Blocks until {@link #close()} has finished (e.g. from the SIGTERM hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        LOG.info("shutting down: closing listeners, draining the recorder, signing a final checkpoint");
        closeAll(resources);
        LOG.info("stopped; audit log at {} events", writer.head().size());
        closed.countDown();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("while closing {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
